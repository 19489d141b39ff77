import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { toStoreError } from './describe-sqlite-error.js';
import { type Migration, migrate } from './migrate.js';
import { APPLICATION_ID, MIGRATIONS } from './schema.js';
import { StoreError } from './store-errors.js';

/** The database file inside --data-dir (its -wal and -shm files sit next to it while the store is open). */
export const DATABASE_FILE = 'nodedoc.db';

/**
 * Held locked while a store is open, so that a second collector on the same data directory fails to open
 * instead of keeping its own idea of every node's stored sequence and double-storing. A tiny SQLite file
 * in exclusive locking mode: the lock is an fcntl lock, which the kernel drops when the process dies, so a
 * crashed collector never leaves a stale lock behind.
 */
export const LOCK_FILE = 'nodedoc.lock';

/**
 * How long a connection waits for a lock before failing with SQLITE_BUSY: when opening, for the lock file
 * (a collector being replaced in a rolling update has this long to let go of it); afterwards, for the
 * moments the checkpoint worker's connection and the main one step on each other.
 */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * SQLite's page cache per connection, KiB. The default 2 MiB thrashes: 15,000 nodes write their timeline
 * rows into 15,000 places of the per-node index. 64 MiB keeps the hot index pages in memory; with the
 * writer's and the readers' connections that is 128 MiB at most, well inside the collector's 1 GiB budget.
 */
export const PAGE_CACHE_KIB = 64 * 1024;

/** The -wal file is truncated back to this size after a checkpoint, so one burst does not leave it huge. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export interface OpenDatabaseOptions {
  readonly busyTimeoutMs?: number;
  /** The schema to bring the file to (tests pass their own list to exercise the migration runner). */
  readonly migrations?: readonly Migration[];
}

export interface OpenedDatabase {
  readonly db: Database;
  readonly path: string;
  /** The lock file's connection: close it after `db`, to let the next collector in. */
  readonly lock: Database;
  readonly busyTimeoutMs: number;
  /** The schema version found on disk before migrating (0 for a new file). */
  readonly migratedFrom: number;
}

/**
 * Refuses a file that is not ours before anything is written to it: a SQLite database of another program
 * (tables, but no nodedoc application id) would otherwise be switched to WAL and given our tables.
 */
function checkOwnership(db: Database, path: string): void {
  // The first read of the file: garbage fails here with SQLITE_NOTADB, a locked file with SQLITE_BUSY.
  const version = Number(db.pragma('user_version', { simple: true }));
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  if (version > 0 || applicationId !== 0) {
    if (applicationId !== APPLICATION_ID) {
      throw new StoreError(path, `not a nodedoc database (application_id ${applicationId})`);
    }
    return;
  }
  const objects = Number(db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get());
  if (objects > 0) {
    throw new StoreError(path, 'not a nodedoc database (it holds tables but no nodedoc schema version)');
  }
}

function lockDataDir(dataDir: string, busyTimeoutMs: number): Database {
  const path = join(dataDir, LOCK_FILE);
  let lock: Database | undefined;
  try {
    lock = new BetterSqlite3(path, { timeout: busyTimeoutMs });
    // A write takes the exclusive lock; exclusive locking mode keeps it until the connection closes. The
    // file's content means nothing, so its journal stays in memory (on disk it would linger next to it;
    // better-sqlite3's defensive mode refuses journal_mode=OFF).
    lock.pragma('journal_mode = MEMORY');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('user_version = 1');
    return lock;
  } catch (error) {
    lock?.close();
    throw toStoreError(path, 'locking the data directory', error);
  }
}

function configure(db: Database, path: string): void {
  checkOwnership(db, path);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new StoreError(path, `cannot use WAL mode here (SQLite chose "${String(mode)}")`);
  tuneConnection(db, PAGE_CACHE_KIB);
}

/**
 * The per-connection settings every connection to the store's file gets: the main thread's (reads) and the
 * writer thread's (commits, writer-thread.ts).
 */
export function tuneConnection(db: Database, pageCacheKib: number): void {
  // NORMAL in WAL mode: a commit is a write() of the WAL frames, without fsync; WAL is fsynced at
  // checkpoints. A crash of the collector process (even SIGKILL) loses nothing committed: the frames
  // are in the kernel's page cache and SQLite recovers them on the next open. A power loss or kernel
  // crash of the collector's machine can lose the transactions since the last checkpoint — about a second
  // of them, see checkpointer.ts — and never corrupts the file. FULL would fsync every commit (one fsync
  // per group commit) for power-loss durability.
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${pageCacheKib}`);
  db.pragma('temp_store = MEMORY');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  // Sequences and epochs are 64-bit: read every integer as a BigInt, and let the row codecs narrow the
  // ones that are counts or times.
  db.defaultSafeIntegers(true);
}

/**
 * Locks the data directory, opens (creating when absent) <dataDir>/nodedoc.db, checks it is ours and not from a newer
 * collector, and migrates it. Every failure is a StoreError naming the file; nothing is ever recreated.
 */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const path = join(dataDir, DATABASE_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw toStoreError(dataDir, 'creating the data directory', error);
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  const lock = lockDataDir(dataDir, busyTimeoutMs);
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(path, { timeout: busyTimeoutMs });
    configure(db, path);
    const { from } = migrate(db, path, options.migrations ?? MIGRATIONS);
    return { db, path, lock, busyTimeoutMs, migratedFrom: from };
  } catch (error) {
    db?.close();
    lock.close();
    throw toStoreError(path, 'opening the database', error);
  }
}

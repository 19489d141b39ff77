import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../../collector/store/migrate.js';
import {
  DATABASE_FILE,
  LOCK_FILE,
  type OpenedDatabase,
  openDatabase,
} from '../../../collector/store/open-database.js';
import { APPLICATION_ID, SCHEMA_VERSION } from '../../../collector/store/schema.js';
import { SqliteStore } from '../../../collector/store/sqlite-store.js';
import { StoreClosedError, StoreError } from '../../../collector/store/store-errors.js';
import { identity, reports, T0, useTempStores } from './store-test-support.js';

/** Opening: the file's mode, refusing files that are not ours or are from a newer collector, migrations, close. */

const stores = useTempStores();

/** Opening must fail with a StoreError naming the file, and leave the file exactly as it was. */
function expectRefused(dataDir: string, reason: RegExp): void {
  const path = join(dataDir, DATABASE_FILE);
  const before = readFileSync(path);
  let thrown: unknown;
  try {
    SqliteStore.open(dataDir, { busyTimeoutMs: 50 }).close();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StoreError);
  expect(thrown).toMatchObject({ path });
  expect((thrown as StoreError).reason).toMatch(reason);
  expect((thrown as StoreError).message).toBe(`${path}: ${(thrown as StoreError).reason}`);
  expect(readFileSync(path).equals(before)).toBe(true);
}

/** Another connection to the store's file, for looking at (or tampering with) it while the store is closed. */
function raw(dataDir: string): BetterSqlite3.Database {
  return new BetterSqlite3(join(dataDir, DATABASE_FILE));
}

describe('a new data directory', () => {
  it('gets a WAL-mode database with the current schema version and nodedoc application id', async () => {
    const dataDir = join(stores.dataDir(), 'not', 'yet', 'there');
    const store = stores.open(dataDir);
    await store.hello(identity('node-a', '1'), T0);
    expect(readdirSync(dataDir).sort()).toEqual([
      DATABASE_FILE,
      `${DATABASE_FILE}-shm`,
      `${DATABASE_FILE}-wal`,
      LOCK_FILE,
    ]);
    await store.close();
    expect(readdirSync(dataDir).sort()).toEqual([DATABASE_FILE, LOCK_FILE]);
    const db = raw(dataDir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('fails with a StoreError when the data directory cannot be created', () => {
    const file = join(stores.dataDir(), 'a-file');
    writeFileSync(file, 'x');
    expect(() => SqliteStore.open(join(file, 'data'))).toThrow(StoreError);
    expect(() => SqliteStore.open(join(file, 'data'))).toThrow(
      /a-file\/data: creating the data directory failed/,
    );
  });
});

describe('refusing a file that is not ours', () => {
  it('refuses random bytes, without touching them', () => {
    const dataDir = stores.dataDir();
    writeFileSync(join(dataDir, DATABASE_FILE), randomBytes(64 * 1024));
    expectRefused(dataDir, /^not a SQLite database \(SQLITE_NOTADB\)$/);
  });

  it('refuses a text file', () => {
    const dataDir = stores.dataDir();
    writeFileSync(join(dataDir, DATABASE_FILE), 'node,status\nnode-a,Ready\n'.repeat(500));
    expectRefused(dataDir, /not a SQLite database/);
  });

  it("refuses another program's SQLite database", () => {
    const dataDir = stores.dataDir();
    const db = raw(dataDir);
    db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)');
    db.close();
    expectRefused(dataDir, /not a nodedoc database \(it holds tables but no nodedoc schema version\)/);
    const again = raw(dataDir);
    expect(again.pragma('journal_mode', { simple: true })).toBe('delete');
    again.close();
  });

  it('refuses a database with a schema version but a foreign application id', () => {
    const dataDir = stores.dataDir();
    const db = raw(dataDir);
    db.pragma('user_version = 1');
    db.pragma('application_id = 1234');
    db.close();
    expectRefused(dataDir, /not a nodedoc database \(application_id 1234\)/);
  });

  it('refuses a database written by a newer collector', async () => {
    const dataDir = stores.dataDir();
    const store = stores.open(dataDir);
    await store.hello(identity('node-a', '1'), T0);
    await store.close();
    const db = raw(dataDir);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expectRefused(
      dataDir,
      new RegExp(
        `schema version ${SCHEMA_VERSION + 1} is newer than this collector supports \\(${SCHEMA_VERSION}\\)`,
      ),
    );
  });

  it('refuses a data directory another store has open, and lets the next one in once it is closed', async () => {
    const dataDir = stores.dataDir();
    const first = stores.open(dataDir);
    await first.hello(identity('node-a', '1'), T0);
    expect(() => SqliteStore.open(dataDir, { busyTimeoutMs: 50 })).toThrow(
      `${join(dataDir, LOCK_FILE)}: locked by another process (is another collector using this data directory?) (SQLITE_BUSY)`,
    );
    // The first store is unaffected.
    expect(await first.ingest('node-a', '1', reports(1, 2), T0)).toMatchObject({ stored: 2 });
    await first.close();
    const second = stores.open(dataDir, { busyTimeoutMs: 50 });
    expect((await second.getNode('node-a'))?.ingest.received).toBe(2);
  });
});

describe('migrations', () => {
  const close = (opened: OpenedDatabase) => {
    opened.db.close();
    opened.lock.close();
  };
  const V1: Migration = {
    version: 1,
    description: 'a table',
    sql: `CREATE TABLE t (a INTEGER); PRAGMA application_id = ${APPLICATION_ID};`,
  };
  const V2: Migration = { version: 2, description: 'a column', sql: 'ALTER TABLE t ADD COLUMN b TEXT;' };
  const BROKEN: Migration = {
    version: 3,
    description: 'fails half way',
    sql: 'CREATE TABLE u (x); INSERT INTO nowhere VALUES (1);',
  };

  it('applies the pending migrations in order, each once', () => {
    const dataDir = stores.dataDir();
    const first = openDatabase(dataDir, { migrations: [V1] });
    expect(first.migratedFrom).toBe(0);
    first.db.prepare('INSERT INTO t (a) VALUES (1)').run();
    close(first);
    const second = openDatabase(dataDir, { migrations: [V1, V2] });
    expect(second.migratedFrom).toBe(1);
    expect(second.db.pragma('user_version', { simple: true })).toBe(2n);
    expect(second.db.prepare('SELECT a, b FROM t').all()).toEqual([{ a: 1n, b: null }]);
    close(second);
    const third = openDatabase(dataDir, { migrations: [V1, V2] });
    expect(third.migratedFrom).toBe(2);
    close(third);
  });

  it('leaves a failing migration out entirely, with a StoreError, at the version before it', () => {
    const dataDir = stores.dataDir();
    close(openDatabase(dataDir, { migrations: [V1, V2] }));
    expect(() => openDatabase(dataDir, { migrations: [V1, V2, BROKEN] })).toThrow(
      /nodedoc\.db: opening the database failed: no such table: nowhere/,
    );
    const db = raw(dataDir);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'u'").get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('closing', () => {
  it('commits what is queued, then refuses every call with StoreClosedError', async () => {
    const dataDir = stores.dataDir();
    // A long delay: the writes below are still queued when close() is called.
    const store = SqliteStore.open(dataDir, { maxDelayMs: 60_000 });
    const hello = store.hello(identity('node-a', '1'), T0);
    const ingest = store.ingest('node-a', '1', reports(1, 3), T0);
    const closed = store.close();
    expect(store.close()).toBe(closed);
    await expect(hello).resolves.toEqual({ storedSequence: '0' });
    await expect(ingest).resolves.toMatchObject({ stored: 3, ackSequence: '3' });
    await closed;
    const calls: [string, () => Promise<unknown>][] = [
      ['hello', () => store.hello(identity('node-a', '1'), T0)],
      ['ingest', () => store.ingest('node-a', '1', reports(4, 4), T0)],
      ['listNodes', () => store.listNodes()],
      ['getNode', () => store.getNode('node-a')],
      ['timeline', () => store.timeline('node-a', 0, T0 * 2, 10)],
      ['prune', () => store.prune(T0)],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toBeInstanceOf(StoreClosedError);
      await expect(call(), name).rejects.toThrow(`${join(dataDir, DATABASE_FILE)}: the store is closed`);
    }
    // Closed cleanly: the WAL was checkpointed into the database and removed.
    expect(existsSync(join(dataDir, `${DATABASE_FILE}-wal`))).toBe(false);
    const reopened = stores.open(dataDir);
    expect((await reopened.getNode('node-a'))?.ingest).toEqual({
      received: 3,
      lastSeq: '3',
      gaps: 0,
      duplicates: 0,
    });
  });
});

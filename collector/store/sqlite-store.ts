/**
 * The embedded NodeStore: SQLite (better-sqlite3) in WAL mode at <data-dir>/nodedoc.db, with
 * <data-dir>/nodedoc.lock held so that only one collector uses the directory.
 *
 * Writes (Hello, ingest and retention) run on the writer thread's own connection (store-writer.ts,
 * writer-thread.ts), through a group-commit batcher: many streams' writes share one transaction, and each
 * promise settles after its transaction commits — durable against a crash of this process, and visible to
 * every read that starts afterwards. Reads run on this thread's connection (WAL lets them run while the
 * writer commits); they see everything acknowledged and nothing that is still queued. WAL checkpoints (the
 * only fsyncs) run on a third thread (checkpointer.ts). The event loop therefore never waits for SQLite
 * to write or for the disk to sync: it encodes the rows, and reads.
 */
import type { Database } from 'better-sqlite3';
import { Checkpointer, type CheckpointInfo } from './checkpointer.js';
import type { WriteResult } from './commit-writes.js';
import { toStoreError } from './describe-sqlite-error.js';
import type {
  AgentIdentity,
  IncomingReport,
  IngestOutcome,
  NodeRecord,
  NodeStore,
  TimelineEntry,
} from './node-store.js';
import {
  type OpenDatabaseOptions,
  type OpenedDatabase,
  openDatabase,
  PAGE_CACHE_KIB,
} from './open-database.js';
import { DEFAULT_PRUNE_CHUNK_ROWS, pruneInChunks } from './retention.js';
import { decodeNode, decodeTimelineRow, type NodeRow } from './row-decoders.js';
import { prepareStatements, type Statements } from './statements.js';
import { StoreClosedError, StoreInputError } from './store-errors.js';
import { StoreWriter } from './store-writer.js';
import { type FlushInfo, WriteBatcher, type WriteBatcherOptions } from './write-batcher.js';
import { helloJob, ingestJob, jobRows, type WriteJob } from './write-jobs.js';

/** The most timeline entries one query returns: a day of reports at a 10 s interval is 8,640. */
export const MAX_TIMELINE_LIMIT = 10_000;

export interface SqliteStoreOptions extends WriteBatcherOptions, OpenDatabaseOptions {
  /** Timeline rows deleted per retention chunk (DEFAULT_PRUNE_CHUNK_ROWS). */
  readonly pruneChunkRows?: number;
  /** Called after every group commit: the collector's metrics, and tests that count transactions. */
  readonly onFlush?: (info: FlushInfo) => void;
  /** Called after every WAL checkpoint (and when checkpoints fall back to the main thread). */
  readonly onCheckpoint?: (info: CheckpointInfo) => void;
  /** Rows committed between checkpoints (CHECKPOINT_AFTER_ROWS). */
  readonly checkpointAfterRows?: number;
  /** WAL length at which commits pause for the WAL to start over (WAL_RESTART_FRAMES). */
  readonly walRestartFrames?: number;
}

function checkFinite(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StoreInputError(`${what} is ${String(value)}: a finite number of milliseconds is required`);
  }
}

export class SqliteStore implements NodeStore {
  /** The database file. */
  readonly path: string;
  private readonly statements: Statements;
  private readonly writer: StoreWriter;
  private readonly batcher: WriteBatcher<WriteJob, WriteResult>;
  private readonly checkpointer: Checkpointer;
  private readonly db: Database;
  private readonly lock: Database;
  private readonly pruneChunkRows: number;
  private readonly prunes = new Set<Promise<number>>();
  private closing: Promise<void> | undefined;

  private constructor(opened: OpenedDatabase, options: SqliteStoreOptions) {
    this.db = opened.db;
    this.lock = opened.lock;
    this.path = opened.path;
    this.statements = prepareStatements(this.db);
    this.pruneChunkRows = Math.max(1, options.pruneChunkRows ?? DEFAULT_PRUNE_CHUNK_ROWS);
    this.writer = new StoreWriter({
      path: this.path,
      busyTimeoutMs: opened.busyTimeoutMs,
      pageCacheKib: PAGE_CACHE_KIB,
    });
    this.batcher = new WriteBatcher<WriteJob, WriteResult>(
      (jobs) =>
        this.writer.commit(jobs).catch((error: unknown) => {
          throw toStoreError(this.path, 'writing a batch', error);
        }),
      options,
      (info) => {
        if (!info.failed) this.checkpointer.committed(info.rows);
        options.onFlush?.(info);
      },
    );
    this.checkpointer = new Checkpointer({
      path: this.path,
      busyTimeoutMs: opened.busyTimeoutMs,
      autocheckpoint: (pages) => this.writer.autocheckpoint(pages),
      gate: this.batcher,
      ...(options.onCheckpoint ? { onCheckpoint: options.onCheckpoint } : {}),
      ...(options.checkpointAfterRows ? { afterRows: options.checkpointAfterRows } : {}),
      ...(options.walRestartFrames ? { walRestartFrames: options.walRestartFrames } : {}),
    });
  }

  /**
   * Opens (creating, locking and migrating) the store under `dataDir`. Throws a StoreError naming the file
   * when it is not a nodedoc database, is from a newer collector, or is in use by another process.
   */
  static open(dataDir: string, options: SqliteStoreOptions = {}): SqliteStore {
    const opened = openDatabase(dataDir, options);
    try {
      return new SqliteStore(opened, options);
    } catch (error) {
      opened.db.close();
      opened.lock.close();
      throw toStoreError(opened.path, 'loading the nodes', error);
    }
  }

  /**
   * Settles once the writer thread has opened its connection; rejects with a StoreError when it could not
   * (every write would then fail with that error).
   */
  ready(): Promise<void> {
    return this.writer.started;
  }

  /** Rows queued for the next group commit. */
  get pendingRows(): number {
    return this.batcher.pendingRows;
  }

  private checkOpen(): void {
    if (this.closing) throw new StoreClosedError(this.path);
  }

  async hello(identity: AgentIdentity, nowMs: number): Promise<{ storedSequence: string }> {
    this.checkOpen();
    const job = helloJob(identity, nowMs);
    const result = await this.batcher.submit(job, jobRows(job));
    if (!('storedSequence' in result)) throw new Error('a Hello came back with an ingest outcome');
    return result;
  }

  async ingest(
    node: string,
    epoch: string,
    reports: readonly IncomingReport[],
    receivedAtMs: number,
  ): Promise<IngestOutcome> {
    this.checkOpen();
    const job = ingestJob(node, epoch, reports, receivedAtMs);
    const result = await this.batcher.submit(job, jobRows(job));
    if (!('ackSequence' in result)) throw new Error('an ingest came back with a Hello result');
    return result;
  }

  private read<T>(what: string, query: () => T): T {
    this.checkOpen();
    try {
      return query();
    } catch (error) {
      throw toStoreError(this.path, what, error);
    }
  }

  async listNodes(): Promise<NodeRecord[]> {
    return this.read('listing nodes', () => (this.statements.allNodes.all() as NodeRow[]).map(decodeNode));
  }

  async getNode(node: string): Promise<NodeRecord | undefined> {
    return this.read('reading a node', () => {
      const row = this.statements.oneNode.get(node) as NodeRow | undefined;
      return row ? decodeNode(row) : undefined;
    });
  }

  async timeline(node: string, sinceMs: number, untilMs: number, limit: number): Promise<TimelineEntry[]> {
    this.checkOpen();
    checkFinite(sinceMs, 'since');
    checkFinite(untilMs, 'until');
    if (sinceMs > untilMs) throw new StoreInputError(`since (${sinceMs}) is after until (${untilMs})`);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TIMELINE_LIMIT) {
      throw new StoreInputError(`limit ${limit} is not an integer from 1 to ${MAX_TIMELINE_LIMIT}`);
    }
    return this.read('reading a timeline', () => {
      const rows = this.statements.timeline.all(node, sinceMs, untilMs, limit) as unknown[][];
      return rows.reverse().map(decodeTimelineRow);
    });
  }

  async prune(beforeMs: number): Promise<number> {
    this.checkOpen();
    checkFinite(beforeMs, 'prune cut-off');
    const running = pruneInChunks(this.writer, beforeMs, {
      chunkRows: this.pruneChunkRows,
      stopped: () => this.closing !== undefined,
    }).catch((error: unknown) => {
      throw toStoreError(this.path, 'pruning', error);
    });
    this.prunes.add(running);
    try {
      return await running;
    } finally {
      this.prunes.delete(running);
    }
  }

  /**
   * Commits everything queued, lets a running prune stop at its next chunk, stops the checkpoint worker and
   * the writer thread, and closes the database (SQLite checkpoints the rest of the WAL into the main file)
   * and then the lock.
   * Every call after this one rejects with StoreClosedError; calling close() again returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.batcher.drain();
    await Promise.allSettled(this.prunes);
    await this.checkpointer.close();
    await this.writer.close();
    try {
      // Refreshes the query planner's statistics where they drifted; cheap, and recommended before closing.
      this.db.pragma('optimize');
      this.db.close();
    } catch (error) {
      throw toStoreError(this.path, 'closing', error);
    } finally {
      this.lock.close();
    }
  }
}

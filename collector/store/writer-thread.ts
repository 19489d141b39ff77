/**
 * The store's writer thread: its own connection to the database file, on which every commit and retention
 * chunk runs, so that the event loop — every agent stream, ack and API request — never waits for SQLite to
 * write. Started by store-writer.ts with WriterSettings as workerData; answers each WriterRequest in the
 * order received (one at a time: SQLite has one writer anyway).
 *
 * The node states that decide idempotency (commit-writes.ts) live here, next to the connection that makes
 * them true, and are loaded from the file when the thread starts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { commitWrites, loadNodeStates, type NodeState } from './commit-writes.js';
import { tuneConnection } from './open-database.js';
import { prepareStatements, type Statements } from './statements.js';
import {
  toErrorData,
  toJobResultData,
  type WriterReply,
  type WriterRequest,
  type WriterSettings,
  type WriterStarted,
} from './writer-messages.js';

interface Writer {
  readonly db: Database;
  readonly statements: Statements;
  readonly states: Map<string, NodeState>;
}

function open(settings: WriterSettings): Writer {
  const db = new BetterSqlite3(settings.path, { fileMustExist: true, timeout: settings.busyTimeoutMs });
  try {
    tuneConnection(db, settings.pageCacheKib);
    // Checkpoints run on the checkpointer's own thread (checkpointer.ts); SQLite's automatic one would run
    // inside a commit here and make the next flush wait for the disk.
    db.pragma('wal_autocheckpoint = 0');
    const statements = prepareStatements(db);
    return { db, statements, states: loadNodeStates(statements) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function handle(writer: Writer, request: WriterRequest): unknown {
  const { db, statements, states } = writer;
  switch (request.kind) {
    case 'commit':
      return commitWrites(db, statements, states, request.jobs).map(toJobResultData);
    case 'prune-timeline':
      return statements.deleteTimelineChunk.run(request.beforeMs, request.chunkRows).changes;
    case 'prune-nodes': {
      const names = statements.deleteNodesChunk.all(request.beforeMs, request.chunkRows) as string[];
      for (const name of names) states.delete(name);
      return names;
    }
    case 'autocheckpoint':
      db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.trunc(request.pages))}`);
      return null;
    case 'close':
      db.close();
      return null;
  }
}

function run(): void {
  const port = parentPort;
  if (port === null) throw new Error('writer-thread.ts runs as a worker thread (store-writer.ts starts it)');
  let writer: Writer;
  try {
    writer = open(workerData as WriterSettings);
  } catch (error) {
    port.postMessage({ started: false, error: toErrorData(error) } satisfies WriterStarted);
    port.close();
    return;
  }
  port.postMessage({ started: true } satisfies WriterStarted);
  port.on('message', (request: WriterRequest) => {
    let reply: WriterReply;
    try {
      reply = { id: request.id, ok: true, value: handle(writer, request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: toErrorData(error) };
    }
    port.postMessage(reply);
    if (request.kind === 'close') port.close();
  });
}

run();

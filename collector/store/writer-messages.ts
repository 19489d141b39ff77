/**
 * What the store's main thread and its writer thread (writer-thread.ts) say to each other. Everything here
 * crosses postMessage, so it is plain data: errors travel as their name, message and the fields the main
 * thread's error handling looks at (the SQLite code, an epoch mismatch's node and epochs), and are rebuilt
 * as the same classes on arrival.
 */
import type { WriteResult } from './commit-writes.js';
import { EpochMismatchError, StoreInputError } from './store-errors.js';
import type { JobResult } from './write-batcher.js';
import type { WriteJob } from './write-jobs.js';

/** Opens the writer's connection (workerData). */
export interface WriterSettings {
  /** The database file, already created, locked and migrated by the main thread. */
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly pageCacheKib: number;
}

export type WriterRequest =
  /** One flush of the write batcher: every job in one transaction. */
  | { readonly kind: 'commit'; readonly id: number; readonly jobs: readonly WriteJob[] }
  /** One retention chunk of timeline rows; answers the rows deleted. */
  | {
      readonly kind: 'prune-timeline';
      readonly id: number;
      readonly beforeMs: number;
      readonly chunkRows: number;
    }
  /** One retention chunk of nodes gone for the whole window; answers their names. */
  | {
      readonly kind: 'prune-nodes';
      readonly id: number;
      readonly beforeMs: number;
      readonly chunkRows: number;
    }
  /** SQLite's automatic checkpoint on the writer's connection (0 = off), for when the checkpointer fails. */
  | { readonly kind: 'autocheckpoint'; readonly id: number; readonly pages: number }
  /** Closes the connection; the thread then exits. */
  | { readonly kind: 'close'; readonly id: number };

/** An error as it crosses the thread boundary. */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  /** better-sqlite3's result code ("SQLITE_FULL"), which describe-sqlite-error.ts turns into a reason. */
  readonly code?: string;
  /** EpochMismatchError's fields. */
  readonly node?: string;
  readonly epoch?: string;
  readonly currentEpoch?: string | null;
}

export type JobResultData =
  | { readonly ok: true; readonly value: WriteResult }
  | { readonly ok: false; readonly error: ErrorData };

export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: ErrorData };

/** The writer's first message: its connection is open (or why it could not be). */
export type WriterStarted =
  | { readonly started: true }
  | { readonly started: false; readonly error: ErrorData };

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof EpochMismatchError) {
    return {
      name: error.name,
      message: error.message,
      node: error.node,
      epoch: error.epoch,
      currentEpoch: error.currentEpoch,
    };
  }
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}

/** The error again, as the class the rest of the collector expects. */
export function fromErrorData(data: ErrorData): Error {
  if (data.name === 'EpochMismatchError' && data.node !== undefined && data.epoch !== undefined) {
    return new EpochMismatchError(data.node, data.epoch, data.currentEpoch ?? null);
  }
  if (data.name === 'StoreInputError') return new StoreInputError(data.message);
  const error = new Error(data.message) as Error & { code?: string };
  error.name = data.name;
  if (data.code !== undefined) error.code = data.code;
  return error;
}

export function toJobResultData(result: JobResult<WriteResult>): JobResultData {
  return result.ok ? result : { ok: false, error: toErrorData(result.error) };
}

export function fromJobResultData(data: JobResultData): JobResult<WriteResult> {
  return data.ok ? data : { ok: false, error: fromErrorData(data.error) };
}

/**
 * The main thread's side of the store's writer thread (writer-thread.ts): posts requests, settles each
 * caller's promise with the thread's answer, and turns a thread that could not start or died into a
 * StoreError for every write then and after: the collector's reads (and its diagnosis) carry on, ingest
 * fails with INTERNAL (agents keep their reports spooled and retry), and nothing acknowledged is lost, since
 * an ack is only ever sent for a commit the thread confirmed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WriteResult } from './commit-writes.js';
import { StoreError } from './store-errors.js';
import type { JobResult } from './write-batcher.js';
import type { WriteJob } from './write-jobs.js';
import {
  fromErrorData,
  fromJobResultData,
  type JobResultData,
  type WriterReply,
  type WriterRequest,
  type WriterSettings,
  type WriterStarted,
} from './writer-messages.js';

/**
 * The compiled thread next to this module (the build, or a test's own compilation of the store); from the
 * TypeScript sources (vitest) the build's copy, since a worker thread cannot run TypeScript.
 */
const THREAD_CANDIDATES = ['./writer-thread.js', '../../dist/collector/store/writer-thread.js'];

function threadFile(): string {
  const files = THREAD_CANDIDATES.map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)));
  const found = files.find((file) => existsSync(file));
  if (found === undefined) {
    throw new Error(
      `the store's writer thread is missing (looked for ${files.join(', ')}; run npm run build)`,
    );
  }
  return found;
}

/** Request without its id (the writer assigns one). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class StoreWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set once the thread failed to start or died: every request after that rejects with it. */
  private failure: StoreError | undefined;
  private closing = false;
  private readonly exited: Promise<void>;
  /** Settles when the thread has opened its connection (rejects when it could not). */
  readonly started: Promise<void>;

  constructor(private readonly settings: WriterSettings) {
    this.worker = new Worker(threadFile(), { workerData: settings });
    // Idle, the thread must not keep the process alive (a collector that never closes the store still
    // exits); it is referenced only while an answer from it is awaited.
    this.worker.unref();
    let started: (error?: Error) => void = () => {};
    this.started = new Promise<void>((resolve, reject) => {
      started = (error) => (error ? reject(error) : resolve());
    });
    // A caller that never awaits `started` learns of a failed start from its first request instead.
    this.started.catch(() => undefined);
    this.worker.on('message', (message: WriterReply | WriterStarted) => {
      if ('started' in message) {
        if (message.started) started();
        else {
          this.fail(`the writer thread could not open the database: ${message.error.message}`, message.error);
          started(this.failure);
        }
        return;
      }
      this.answered(message);
    });
    this.worker.on('error', (error) => {
      this.fail(`the writer thread failed: ${error.message}`, error);
      started(this.failure);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.closing) this.fail(`the writer thread exited (code ${code})`);
        started(this.failure);
        resolve();
      });
    });
  }

  /** One flush in one transaction; resolves one result per job, rejects when the transaction failed. */
  async commit(jobs: readonly WriteJob[]): Promise<readonly JobResult<WriteResult>[]> {
    const results = (await this.request({ kind: 'commit', jobs })) as JobResultData[];
    return results.map(fromJobResultData);
  }

  /** Deletes up to `chunkRows` timeline rows received before `beforeMs`; resolves how many. */
  async pruneTimeline(beforeMs: number, chunkRows: number): Promise<number> {
    return (await this.request({ kind: 'prune-timeline', beforeMs, chunkRows })) as number;
  }

  /** Deletes up to `chunkRows` nodes last seen before `beforeMs` (and without rows); resolves their names. */
  async pruneNodes(beforeMs: number, chunkRows: number): Promise<string[]> {
    return (await this.request({ kind: 'prune-nodes', beforeMs, chunkRows })) as string[];
  }

  /** SQLite's automatic checkpoints on the writer's connection, every `pages` pages (0: off). */
  async autocheckpoint(pages: number): Promise<void> {
    await this.request({ kind: 'autocheckpoint', pages });
  }

  /** Closes the thread's connection after everything posted before; the thread then exits. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    if (this.failure === undefined) {
      try {
        await this.request({ kind: 'close' });
      } catch {
        // The thread failed meanwhile: it is gone either way.
      }
    }
    await this.worker.terminate();
    await this.exited;
  }

  private request(request: Unnumbered<WriterRequest>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...request, id } as WriterRequest);
    });
  }

  private answered(reply: WriterReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(fromErrorData(reply.error));
  }

  private fail(reason: string, cause?: unknown): void {
    this.failure ??= new StoreError(this.settings.path, reason, { cause });
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}

/**
 * WAL checkpoints on a worker thread of their own.
 *
 * Why: a checkpoint copies the WAL into the database file and fsyncs both. SQLite's automatic checkpoint
 * runs inside the commit that crosses its threshold, on the committing connection — the store's writer
 * thread (writer-thread.ts), whose next group commit, and every ack waiting for it, would then wait for the
 * disk. With synchronous=NORMAL a commit itself never fsyncs, so with checkpoints on a third connection in
 * a thread of their own, commits never wait for an fsync at all; on a slow or throttled cloud disk that is
 * the difference between a slower checkpoint and a collector that stops acknowledging.
 *
 * Checkpoints run alongside commits (PASSIVE: they copy what was committed when they started). SQLite can
 * only start the WAL over once a checkpoint has copied all of it with nothing appended meanwhile, so when
 * the WAL has grown past WAL_RESTART_FRAMES the next checkpoint pauses commits (queued writes wait, at most
 * CHECKPOINT_PAUSE_LIMIT_MS): it then only has to copy what came in since the previous one.
 *
 * If the worker cannot run (it failed to start or died), the writing connection goes back to SQLite's own
 * automatic checkpoints: slower, never unbounded.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoint after this many rows committed since the last one: with a 4 KiB samples JSON a report is about
 * two WAL pages (its timeline row and index entries, its node row), so about SQLite's default of 1,000 pages.
 */
export const CHECKPOINT_AFTER_ROWS = 1_000;

/**
 * Checkpoint at least this often when anything was committed. With synchronous=NORMAL, the WAL is
 * fsynced only by checkpoints: this bounds what a power loss can take to about this long.
 */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * When a checkpoint finds the WAL at least this long (frames of 4 KiB: 64 MiB), the next one pauses
 * commits so the WAL can start over; until then checkpoints run alongside commits.
 */
export const WAL_RESTART_FRAMES = 16_384;

/** Commits resume after this long even if the checkpoint has not answered (a stalled disk). */
export const CHECKPOINT_PAUSE_LIMIT_MS = 2_000;

/** SQLite's own default, restored on the writing connection when the worker is gone. */
const FALLBACK_AUTOCHECKPOINT_PAGES = 1_000;

/** One checkpoint, for metrics and logs. */
export interface CheckpointInfo {
  readonly durationSeconds: number;
  /** Frames in the WAL, and how many of them are now in the database file (equal: complete). */
  readonly walFrames: number;
  readonly checkpointedFrames: number;
  /** Set when the checkpoint (or the worker) failed; the store carries on. */
  readonly error?: string;
}

/** What commits are paused through (the write batcher). */
export interface CommitGate {
  /** Resolves once no commit is in flight any more. */
  pause(): Promise<void> | void;
  resume(): void;
}

interface WorkerReply {
  readonly ok: boolean;
  readonly log?: number;
  readonly checkpointed?: number;
  readonly seconds?: number;
  readonly error?: string;
}

/**
 * The worker, run with `eval` so it needs no file of its own next to the compiled store (and runs the same
 * from sources under vitest). CommonJS: `require` resolves better-sqlite3 by the absolute path it is given.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  const started = process.hrtime.bigint();
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    parentPort.postMessage({ ok: true, log: result.log, checkpointed: result.checkpointed, seconds });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: error && error.message ? error.message : String(error) });
  }
});
`;

export interface CheckpointerOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  /**
   * Sets SQLite's automatic checkpoint (every N pages, 0 = off) on the connection that commits: it must be
   * off while this checkpointer runs (the writer thread starts with it off), and is switched back on if
   * the worker fails.
   */
  readonly autocheckpoint: (pages: number) => Promise<void> | void;
  readonly gate: CommitGate;
  readonly onCheckpoint?: (info: CheckpointInfo) => void;
  /** CHECKPOINT_AFTER_ROWS unless told otherwise. */
  readonly afterRows?: number;
  /** WAL_RESTART_FRAMES unless told otherwise. */
  readonly walRestartFrames?: number;
  /** better-sqlite3's entry point (tests point it elsewhere to make the worker fail). */
  readonly driver?: string;
}

export class Checkpointer {
  private readonly worker: Worker;
  private readonly interval: NodeJS.Timeout;
  private rowsSince = 0;
  private inFlight: { readonly done: () => void; readonly promise: Promise<void> } | undefined;
  private pauseLimit: NodeJS.Timeout | undefined;
  /** The WAL outgrew WAL_RESTART_FRAMES: the next checkpoint pauses commits. */
  private restartDue = false;
  private failed = false;
  private closing = false;
  private readonly exited: Promise<void>;
  private readonly afterRows: number;
  private readonly walRestartFrames: number;

  constructor(private readonly options: CheckpointerOptions) {
    this.afterRows = options.afterRows ?? CHECKPOINT_AFTER_ROWS;
    this.walRestartFrames = options.walRestartFrames ?? WAL_RESTART_FRAMES;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
        path: options.path,
        busyTimeoutMs: options.busyTimeoutMs,
      },
    });
    // Idle, the worker must not keep the process alive (a collector that forgets to close the store must
    // still exit); it is referenced only while an answer from it is awaited.
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.answered(reply));
    this.worker.on('error', (error) => this.fail(error.message));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        if (!this.closing) this.fail('the checkpoint worker exited');
        resolve();
      });
    });
    this.interval = setInterval(() => {
      if (this.rowsSince > 0) this.start();
    }, CHECKPOINT_INTERVAL_MS).unref();
  }

  /** True once the worker failed and the main connection checkpoints by itself again. */
  get fellBack(): boolean {
    return this.failed;
  }

  /** After each successful commit: rows it wrote. */
  committed(rows: number): void {
    this.rowsSince += rows;
    if (this.rowsSince >= this.afterRows) this.start();
  }

  private start(): void {
    if (this.inFlight || this.failed || this.closing) return;
    this.rowsSince = 0;
    let done: () => void = () => {};
    const promise = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.inFlight = { done, promise };
    this.worker.ref();
    if (!this.restartDue) {
      this.worker.postMessage('checkpoint');
      return;
    }
    this.restartDue = false;
    this.pauseLimit = setTimeout(() => this.options.gate.resume(), CHECKPOINT_PAUSE_LIMIT_MS);
    // The commit in flight, if any, appends to the WAL: the checkpoint starts once it is in.
    void Promise.resolve(this.options.gate.pause()).then(() => {
      if (!this.failed) this.worker.postMessage('checkpoint');
    });
  }

  private finish(info: CheckpointInfo): void {
    this.worker.unref();
    if (this.pauseLimit) clearTimeout(this.pauseLimit);
    this.pauseLimit = undefined;
    this.options.gate.resume();
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    inFlight?.done();
    try {
      this.options.onCheckpoint?.(info);
    } catch {
      // An observer's bug must not stop checkpoints.
    }
  }

  private answered(reply: WorkerReply): void {
    if ((reply.log ?? 0) >= this.walRestartFrames) this.restartDue = true;
    this.finish({
      durationSeconds: reply.seconds ?? 0,
      walFrames: reply.log ?? 0,
      checkpointedFrames: reply.checkpointed ?? 0,
      ...(reply.ok ? {} : { error: reply.error ?? 'checkpoint failed' }),
    });
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    // A writer that is closing or closed has nothing left to checkpoint for: its refusal does not matter.
    void Promise.resolve()
      .then(() => this.options.autocheckpoint(FALLBACK_AUTOCHECKPOINT_PAGES))
      .catch(() => undefined);
    this.finish({
      durationSeconds: 0,
      walFrames: 0,
      checkpointedFrames: 0,
      error: `${reason}; checkpoints fall back to the writing connection`,
    });
  }

  /** Waits for a running checkpoint, then stops the worker. Commits are never left paused. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.interval);
    await this.inFlight?.promise;
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}

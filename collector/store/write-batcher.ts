/**
 * Group commit: writes from many streams are queued and committed together, one transaction per flush,
 * and each caller's promise settles only after the transaction holding its job has committed.
 *
 * Why: a transaction's fixed cost (locking, a WAL commit record, the page writes of every index touched)
 * dominates a one-report write. Committing the reports of many agents together divides that cost by the
 * batch size. One flush is in flight at a time (the commits run on the store's writer thread,
 * store-writer.ts): writes that arrive meanwhile queue up and go together in the next one, so the busier
 * the store, the larger its transactions — and transactions commit in the order their jobs were submitted.
 */

/**
 * A flush takes at most this many rows (a job's rows are never split, so one big job can exceed it). The
 * commit runs on the writer thread, so this no longer bounds a pause of the event loop; it bounds how long
 * the first job of a flush waits for the last: at about 30 µs a report (bench/store-throughput.ts,
 * 4 KiB samples), 500 rows is a 15 ms transaction. Bigger transactions bought little there (31,000
 * reports/s at 100 rows, the fixed cost is small once a commit does not fsync).
 */
export const DEFAULT_MAX_BATCH_ROWS = 500;

/**
 * Otherwise flush this long after the first job was queued. The trade: every write waits up to this long
 * before it is committed (and acknowledged to the agent), in return for sharing its transaction with the
 * writes that arrive meanwhile. At 15,000 agents every 10 s (1,500 reports/s) 2 ms groups a few reports
 * per transaction; at 20,000 reports/s it is the row limit that flushes, and writes arriving during a flush
 * are grouped regardless. 2 ms is nothing against a 10 s sampling interval, so nobody reading the data
 * sees the latency it adds.
 */
export const DEFAULT_MAX_DELAY_MS = 2;

export interface WriteBatcherOptions {
  readonly maxBatchRows?: number;
  readonly maxDelayMs?: number;
}

/** What one job of a flush came to: a value for its caller, or an error for that caller alone. */
export type JobResult<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: Error };

/**
 * Runs the jobs of one flush in ONE transaction and resolves one result per job, in order. Rejecting means
 * the transaction failed (rolled back): every job of the flush is rejected with that error.
 */
export type CommitJobs<J, R> = (jobs: readonly J[]) => Promise<readonly JobResult<R>[]>;

/** Called after each flush (for metrics and tests that count transactions). */
export interface FlushInfo {
  readonly jobs: number;
  readonly rows: number;
  /** From handing the flush to the commit to its result (the transaction, and the trip to the writer thread), seconds. */
  readonly durationSeconds: number;
  readonly failed: boolean;
}

interface Queued<J, R> {
  readonly job: J;
  readonly rows: number;
  readonly resolve: (value: R) => void;
  readonly reject: (error: Error) => void;
}

export class WriteBatcher<J, R> {
  private readonly maxBatchRows: number;
  private readonly maxDelayMs: number;
  private queue: Queued<J, R>[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** While paused (a checkpoint is letting the WAL start over), jobs queue up and nothing is committed. */
  private paused = false;
  /** The flush being committed, if any: at most one at a time. */
  private inFlight: Promise<void> | undefined;
  /** Settles when the queue is next empty (what drain() waits for). */
  private drained: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly commit: CommitJobs<J, R>,
    options: WriteBatcherOptions = {},
    private readonly onFlush: (info: FlushInfo) => void = () => {},
  ) {
    this.maxBatchRows = Math.max(1, options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  }

  /** Rows queued and not yet committed. */
  get pendingRows(): number {
    return this.queuedRows;
  }

  /** Queues a job worth `rows` rows; settles once the transaction holding it has committed or failed. */
  submit(job: J, rows: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, rows, resolve, reject });
      this.queuedRows += rows;
      if (this.queuedRows >= this.maxBatchRows || this.maxDelayMs === 0) this.flushSoon();
      else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
    });
  }

  /** Flushes everything queued now, in batches; resolves once the last of them has committed. */
  drain(): Promise<void> {
    if (this.queue.length === 0) return this.inFlight ?? Promise.resolve();
    if (!this.drained) {
      let resolve: () => void = () => {};
      const promise = new Promise<void>((settle) => {
        resolve = settle;
      });
      this.drained = { promise, resolve };
    }
    this.flushSoon();
    return this.drained.promise;
  }

  /**
   * Holds commits back until resume(), resolving once the flush in flight (if any) has committed. The
   * checkpointer pauses them when the WAL has grown long: a checkpoint that runs while nothing is appended
   * can finish, and SQLite then starts the WAL over instead of growing it (checkpointer.ts).
   */
  pause(): Promise<void> {
    this.paused = true;
    return this.inFlight ?? Promise.resolve();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.queue.length > 0) this.flushSoon();
  }

  /** Next turn of the event loop, after the I/O callbacks already due (their writes join this flush). */
  private flushSoon(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.immediate ??= setImmediate(() => this.flush());
  }

  private take(): Queued<J, R>[] {
    let rows = 0;
    let count = 0;
    // At least one job, however large: a job's rows are all-or-nothing, never split across transactions.
    while (count < this.queue.length && (count === 0 || rows < this.maxBatchRows)) {
      rows += this.queue[count]?.rows ?? 0;
      count += 1;
    }
    const taken = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    this.queuedRows -= rows;
    return taken;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    // A flush in flight starts the next one when it is done (with everything queued meanwhile).
    if (this.paused || this.inFlight) return;
    const batch = this.take();
    if (batch.length === 0) {
      this.settleDrain();
      return;
    }
    this.inFlight = this.run(batch).finally(() => {
      this.inFlight = undefined;
      // Whatever is left has waited at least as long as the batch just written: next turn, not a new delay.
      if (this.queue.length > 0) this.flushSoon();
      else this.settleDrain();
    });
  }

  private settleDrain(): void {
    if (!this.drained || this.queue.length > 0) return;
    const { resolve } = this.drained;
    this.drained = undefined;
    resolve();
  }

  private async run(batch: readonly Queued<J, R>[]): Promise<void> {
    const started = process.hrtime.bigint();
    const rows = batch.reduce((sum, entry) => sum + entry.rows, 0);
    let results: readonly JobResult<R>[];
    try {
      results = await this.commit(batch.map((entry) => entry.job));
      if (results.length !== batch.length) {
        throw new Error(`commit returned ${results.length} results for ${batch.length} jobs`);
      }
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.report(batch.length, rows, started, true);
      for (const entry of batch) entry.reject(error);
      return;
    }
    this.report(batch.length, rows, started, false);
    batch.forEach((entry, index) => {
      const result = results[index];
      if (result?.ok) entry.resolve(result.value);
      else entry.reject(result?.error ?? new Error('no result for a committed job'));
    });
  }

  private report(jobs: number, rows: number, started: bigint, failed: boolean): void {
    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    try {
      this.onFlush({ jobs, rows, durationSeconds, failed });
    } catch {
      // An observer's bug must not turn a committed write into a rejected one.
    }
  }
}

import type { Logger } from 'pino';
import type { AlertingMetrics } from './alerting-metrics.js';
import { postAlerts } from './alertmanager-client.js';
import type { AlertmanagerTarget } from './alertmanager-target.js';
import type { PostableAlert } from './postable-alert.js';

/**
 * Alerts per POST. Alertmanager takes any number per request, but one body stays under about a megabyte this
 * way (an alert with its annotations is 1–2 KB), and a fleet of 15k nodes with a cause each still needs only
 * 30 requests per resend, not the 235 that Prometheus' batches of 64 would take.
 */
export const MAX_ALERTS_PER_REQUEST = 500;
/** Prometheus' default Alertmanager timeout: a hanging Alertmanager costs a retry, never a stuck sender. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** First retry after a failed push; each further failure doubles it. */
export const RETRY_INITIAL_MS = 1_000;
/** Retries never wait longer than this (nor longer than a resend interval): a restarted Alertmanager is caught up soon. */
export const RETRY_MAX_MS = 30_000;
/**
 * Resolves waiting for one Alertmanager are capped so an Alertmanager down for days cannot grow the collector's
 * memory without bound. A resolve dropped past the cap is not lost silently: the alert's endsAt (a few resend
 * intervals after its last send) resolves it in Alertmanager anyway, and a metric counts it.
 */
export const MAX_PENDING_RESOLVES = 10_000;
/** A down Alertmanager is logged at most this often (with the failures in between counted), not per retry. */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

export interface SenderOptions {
  readonly target: AlertmanagerTarget;
  /** The firing alerts as of now (all, or those of `keys`), with a fresh endsAt. */
  readonly firing: (keys?: Iterable<string>) => Array<[string, PostableAlert]>;
  readonly metrics: AlertingMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** Upper bound of the retry backoff (the pusher passes its resend interval). */
  readonly retryMaxMs: number;
  readonly requestTimeoutMs?: number;
  /** Called after a push got through (pending resolves may have gone), to refresh the gauges. */
  readonly onDelivered?: () => void;
}

/**
 * Keeps one Alertmanager told: sends what changed when asked to, everything on a full push (the resend tick), and
 * retries with backoff until it gets through. Resolves stay queued until this Alertmanager accepted them, so one
 * that was down hears them once it is back. Never more than one request in flight; callers never wait on it.
 */
export class AlertmanagerSender {
  private readonly resolves = new Map<string, PostableAlert>();
  /** Firing alerts that started since the last successful push (a full push covers them too). */
  private readonly started = new Set<string>();
  private fullWanted = false;
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_INITIAL_MS;
  private stopped = false;
  private readonly abort = new AbortController();
  private failuresUnlogged = 0;
  private lastFailureLogMs = Number.NEGATIVE_INFINITY;
  private failingSince: number | undefined;

  constructor(private readonly options: SenderOptions) {}

  get name(): string {
    return this.options.target.name;
  }

  /** Keys of resolves this Alertmanager has not accepted yet. */
  pendingResolves(): IterableIterator<string> {
    return this.resolves.keys();
  }

  queueResolved(key: string, alert: PostableAlert): void {
    this.resolves.delete(key);
    this.resolves.set(key, alert);
    if (this.resolves.size > MAX_PENDING_RESOLVES) {
      const oldest = this.resolves.keys().next().value;
      if (oldest !== undefined) this.resolves.delete(oldest);
      this.options.metrics.droppedResolves.inc({ alertmanager: this.name });
    }
  }

  /** The alert fires again: its resolve is moot, and it goes out with the next push. */
  queueStarted(key: string): void {
    this.resolves.delete(key);
    this.started.add(key);
  }

  /** Sends what is queued (everything when `full`), now or after the push in flight; waits out a backoff. */
  push(full: boolean): void {
    if (this.stopped) return;
    if (full) this.fullWanted = true;
    // A retry is scheduled: it sends everything anyway, and sooner would hammer an Alertmanager that is down.
    if (this.retryTimer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Aborts the request in flight and sends nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.abort.abort();
    await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      if (!(await this.sendQueued())) {
        this.scheduleRetry();
        return;
      }
    } while (this.again && !this.stopped);
  }

  /** One push of everything queued; true when all of it got through. */
  private async sendQueued(): Promise<boolean> {
    const full = this.fullWanted;
    const started = [...this.started];
    this.fullWanted = false;
    this.started.clear();
    const firing = this.options.firing(full ? undefined : started);
    const resolves = [...this.resolves.entries()];
    const batch = [...resolves, ...firing];
    for (let offset = 0; offset < batch.length; offset += MAX_ALERTS_PER_REQUEST) {
      const chunk = batch.slice(offset, offset + MAX_ALERTS_PER_REQUEST);
      const error = await this.post(chunk.map(([, alert]) => alert));
      if (error !== undefined) {
        // What was not confirmed goes again, in full: cheaper to reason about than tracking chunks.
        this.fullWanted = true;
        this.onFailure(error);
        return false;
      }
      for (const [key, alert] of chunk) {
        // Delivered, unless re-queued meanwhile with a newer resolve.
        if (this.resolves.get(key) === alert) this.resolves.delete(key);
      }
    }
    this.onSuccess();
    this.options.onDelivered?.();
    return true;
  }

  /** POSTs one chunk; returns the error, if any (a stop counts as none: nothing is retried after it). */
  private async post(alerts: readonly PostableAlert[]): Promise<unknown> {
    if (this.stopped) return undefined;
    const { metrics, target } = this.options;
    const stopTimer = metrics.latency.startTimer({ alertmanager: this.name });
    try {
      const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
      await postAlerts(target, alerts, AbortSignal.any([this.abort.signal, timeout]));
      stopTimer();
      metrics.notifications.inc({ alertmanager: this.name, result: 'success' });
      return undefined;
    } catch (error) {
      stopTimer();
      if (this.stopped) return undefined;
      metrics.notifications.inc({ alertmanager: this.name, result: 'failure' });
      return error;
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(
      delay * 2,
      RETRY_MAX_MS,
      Math.max(this.options.retryMaxMs, RETRY_INITIAL_MS),
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.push(true);
    }, delay);
    this.retryTimer.unref();
  }

  private onFailure(error: unknown): void {
    const nowMs = this.options.now();
    this.failingSince ??= nowMs;
    this.failuresUnlogged += 1;
    if (nowMs - this.lastFailureLogMs < FAILURE_LOG_INTERVAL_MS) return;
    this.options.logger.warn(
      {
        alertmanager: this.name,
        err: error instanceof Error ? (error.cause instanceof Error ? error.cause : error) : error,
        failures: this.failuresUnlogged,
        pendingResolves: this.resolves.size,
        retryInMs: this.retryDelayMs,
      },
      'alertmanager push failed; retrying',
    );
    this.failuresUnlogged = 0;
    this.lastFailureLogMs = nowMs;
  }

  private onSuccess(): void {
    this.retryDelayMs = RETRY_INITIAL_MS;
    if (this.failingSince === undefined) return;
    this.options.logger.info(
      { alertmanager: this.name, failingForMs: this.options.now() - this.failingSince },
      'alertmanager push recovered',
    );
    this.failingSince = undefined;
    this.failuresUnlogged = 0;
    this.lastFailureLogMs = Number.NEGATIVE_INFINITY;
  }
}

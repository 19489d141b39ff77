import { nearestRank } from '../../agent/dns/percentile.js';

/** Latency figures of one run, milliseconds. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * What the measured window saw: reports acknowledged while it was open (the throughput), and the time from
 * writing each message to the stream to receiving the ack that covers it, for messages written while it was
 * open (the latency). An ack means stored, durable and queryable: the collector acknowledges a batch only
 * after its transaction committed.
 */
export class AckWindow {
  private open = false;
  private openedAt = Number.POSITIVE_INFINITY;
  private closedAt = 0;
  private reports = 0;
  private messages = 0;
  private readonly latencies: number[] = [];

  start(now = performance.now()): void {
    this.open = true;
    this.openedAt = now;
  }

  stop(now = performance.now()): void {
    this.open = false;
    this.closedAt = now;
  }

  /** Whether a message written now is one the window measures. */
  get measuring(): boolean {
    return this.open;
  }

  /** An ack covering a message of `reports` reports written at `sentAt` arrived at `now`. */
  acked(reports: number, sentAt: number, now: number): void {
    if (this.open) {
      this.reports += reports;
      this.messages += 1;
    }
    if (sentAt >= this.openedAt && (this.open || sentAt <= this.closedAt)) this.latencies.push(now - sentAt);
  }

  get seconds(): number {
    return ((this.open ? performance.now() : this.closedAt) - this.openedAt) / 1_000;
  }

  reportsPerSecond(): number {
    return this.reports / this.seconds;
  }

  messagesPerSecond(): number {
    return this.messages / this.seconds;
  }

  latency(): LatencySummary {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      samples: sorted.length,
      p50Ms: nearestRank(sorted, 0.5) ?? Number.NaN,
      p99Ms: nearestRank(sorted, 0.99) ?? Number.NaN,
      maxMs: sorted.at(-1) ?? Number.NaN,
    };
  }
}

import type { ClockOffset } from '../diagnosis/clock-skew.js';

/**
 * Batches the offset is the median of: one batch delayed in a queue (a GC pause, a congested link) moves
 * a single sample by its delay; the median of five shrugs off two such outliers and still follows a real
 * step of the clock within three batches.
 */
export const CLOCK_OFFSET_WINDOW = 5;
/** Samples needed before any offset is reported: one or two could both be outliers. */
export const CLOCK_OFFSET_MIN_SAMPLES = 3;

/**
 * One stream's estimate of the agent's clock offset. Per batch: offset = sentAt − (receivedAt − rtt/2),
 * where rtt is the agent's measured round trip of its previous batch (the batch left the agent about half a
 * round trip before it arrived). Smoothed as the median of the last CLOCK_OFFSET_WINDOW batches.
 */
export class ClockOffsetEstimator {
  private readonly offsets: number[] = [];
  private lastRttMs = 0;
  private lastAtMs = 0;

  /** Adds one batch; returns the estimate once there are enough samples. */
  add(
    sentAtMs: number | undefined,
    lastAckRttSeconds: number,
    receivedAtMs: number,
  ): ClockOffset | undefined {
    if (sentAtMs !== undefined && Number.isFinite(lastAckRttSeconds) && lastAckRttSeconds >= 0) {
      const rttMs = lastAckRttSeconds * 1_000;
      this.offsets.push(sentAtMs - (receivedAtMs - rttMs / 2));
      if (this.offsets.length > CLOCK_OFFSET_WINDOW) this.offsets.shift();
      this.lastRttMs = rttMs;
      this.lastAtMs = receivedAtMs;
    }
    return this.estimate();
  }

  estimate(): ClockOffset | undefined {
    if (this.offsets.length < CLOCK_OFFSET_MIN_SAMPLES) return undefined;
    const sorted = [...this.offsets].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    const median =
      sorted.length % 2 === 1
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    return { offsetMs: median, rttMs: this.lastRttMs, samples: sorted.length, atMs: this.lastAtMs };
  }
}

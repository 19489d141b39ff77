import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeFailure } from './probe-failure.js';

/**
 * The in-cycle retry of a failed health probe. "Failing twice" filters a single lost probe (a dropped
 * SYN, a kept-alive socket the server closed, a GC pause); asking twice within the same cycle rather than
 * on two cycles keeps that filter while raising kubelet-down one interval earlier. Healthy cycles never
 * get here: the retry costs nothing while the endpoint answers.
 */

/**
 * Pause before the retry. A lost packet or a listener being re-bound is over well within a second, and
 * waiting at all makes the retry look at a different moment rather than the same dropped packet; capped
 * by RETRY_DELAY_SHARE on short intervals.
 */
export const PROBE_RETRY_DELAY_MS = 1_000;
/** At most this share of the interval is spent waiting before the retry (0.25 s on a 1 s interval). */
export const RETRY_DELAY_SHARE = 0.25;
/**
 * First attempt, pause and retry together end within this share of the interval, so a failing probe
 * never makes the cycle overrun; the rest is left for the other work of the cycle and the report.
 */
export const RETRY_BUDGET_SHARE = 0.9;
/** A retry with less time than this to answer would fail on the deadline alone: not worth asking. */
export const MIN_RETRY_TIMEOUT_MS = 50;

/** Time as the retry sees it; tests pass their own so no test waits for real. */
export interface RetryClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_RETRY_CLOCK: RetryClock = {
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
};

/** When and how long to retry; undefined when the interval leaves no room for it. */
export interface RetryPlan {
  readonly delayMs: number;
  /** The retry's deadline: the probe timeout, shortened so the cycle stays within its budget. */
  readonly timeoutMs: number;
}

/** The retry that fits after a first attempt that took `elapsedMs`, or undefined if none fits. */
export function planRetry(
  intervalMs: number,
  probeTimeoutMs: number,
  elapsedMs: number,
): RetryPlan | undefined {
  const delayMs = Math.min(PROBE_RETRY_DELAY_MS, intervalMs * RETRY_DELAY_SHARE);
  const timeoutMs = Math.min(probeTimeoutMs, intervalMs * RETRY_BUDGET_SHARE - elapsedMs - delayMs);
  return timeoutMs >= MIN_RETRY_TIMEOUT_MS ? { delayMs, timeoutMs: Math.floor(timeoutMs) } : undefined;
}

/** One probe attempt: a value when the endpoint is healthy, a reason and how it failed when not. */
export type ProbeAttempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly failure: ProbeFailure };

export interface RetriedProbe<T> {
  /** The last attempt's outcome. */
  readonly result: ProbeAttempt<T>;
  /** Whether a first attempt failed and was asked again in this cycle. */
  readonly retried: boolean;
}

/**
 * Runs `first`; if it fails, waits the planned delay and runs `retry` once (with a fresh connection and
 * the planned deadline — the caller's part). `onAttempt` sees every attempt so failure streaks count
 * attempts, not cycles.
 */
export async function probeWithRetry<T>(
  timing: { readonly intervalMs: number; readonly probeTimeoutMs: number; readonly clock: RetryClock },
  first: () => Promise<ProbeAttempt<T>>,
  retry: (timeoutMs: number) => Promise<ProbeAttempt<T>>,
  onAttempt: (ok: boolean) => void,
  /** Whether a failure is worth asking again: not for an endpoint that is absent from this host. */
  worthRetrying: () => Promise<boolean> = async () => true,
): Promise<RetriedProbe<T>> {
  const startedAt = timing.clock.now();
  const result = await first();
  onAttempt(result.ok);
  if (result.ok) return { result, retried: false };
  const plan = planRetry(timing.intervalMs, timing.probeTimeoutMs, timing.clock.now() - startedAt);
  if (plan === undefined || !(await worthRetrying())) return { result, retried: false };
  await timing.clock.sleep(plan.delayMs);
  const second = await retry(plan.timeoutMs);
  onAttempt(second.ok);
  return { result: second, retried: true };
}

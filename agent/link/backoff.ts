/**
 * Reconnect delays: exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential Backoff
 * and Jitter", 2015): a uniformly random delay between 0 and min(max, base * 2^attempt). When a collector
 * restarts, thousands of agents lose their streams at the same instant; full jitter spreads their
 * reconnects over the whole window instead of sending them back in synchronised waves.
 */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** The ceiling never grows past this. */
  readonly maxMs: number;
}

/** Attempts past this no longer double the ceiling (2^30 * base is past any max anyway). */
const MAX_DOUBLINGS = 30;

/** The delay before retry number `attempt` (0 for the first retry); `random` returns [0, 1). */
export function backoffDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 0), MAX_DOUBLINGS));
  return Math.floor(random() * ceiling);
}

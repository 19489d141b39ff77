import { formatDuration } from '../../common/duration.js';
import { CANCELLED, type QueryOptions, type QueryResult } from './query-result.js';

/** How one query in flight ends: once, with whatever comes first. */
export interface QuerySettlement {
  /** Settles the query with this result unless it has settled already; later calls do nothing. */
  readonly finish: (result: QueryResult) => void;
  /** Whether the query has settled (and its socket been released). */
  readonly settled: boolean;
}

/**
 * Settles one query exactly once, with the first of: a result the transport passes to `finish`, a
 * timeout after `timeoutMs`, or CANCELLED when `signal` aborts (at once if it already has). Settling
 * clears the timer, removes the abort listener (the agent's shutdown signal is shared by every probe in
 * flight, so leftover listeners would pile up on it) and releases the socket before the promise
 * resolves, on every path.
 */
export function settleQuery(
  { timeoutMs, signal }: QueryOptions,
  resolve: (result: QueryResult) => void,
  release: () => void,
): QuerySettlement {
  let settled = false;
  const finish = (result: QueryResult) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    release();
    resolve(result);
  };
  const onAbort = () => finish(CANCELLED);
  const timer = setTimeout(
    () => finish({ kind: 'timeout', reason: `no answer within ${formatDuration(timeoutMs)}` }),
    timeoutMs,
  );
  if (signal?.aborted) finish(CANCELLED);
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    finish,
    get settled() {
      return settled;
    },
  };
}

/** What one query over one transport came to, before it is judged against its expectation. */
export type QueryResult =
  | {
      readonly kind: 'answer';
      readonly rcode: string;
      readonly latencySeconds: number;
      /** TC bit: the answer did not fit in UDP; a client would retry over TCP. */
      readonly truncated: boolean;
    }
  | { readonly kind: 'timeout'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string };

export interface QueryOptions {
  /** No matching answer within this is a timeout. */
  readonly timeoutMs: number;
  /** Aborted when the signal is closed (agent shutdown): the socket is closed at once. */
  readonly signal?: AbortSignal;
}

export const CANCELLED: QueryResult = {
  kind: 'error',
  reason: 'probe cancelled: the agent is shutting down',
};

/**
 * A socket error as a result. ECONNREFUSED is what the kernel reports on a connected UDP socket after an
 * ICMP port-unreachable, and on TCP after a reset: nothing listens on that address, a hard failure that
 * a client sees at once (unlike a timeout).
 */
export function socketFailure(error: unknown): QueryResult {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return { kind: 'refused', reason: 'ECONNREFUSED: nothing listens there' };
  if (code) return { kind: 'error', reason: code };
  return { kind: 'error', reason: error instanceof Error ? error.message : String(error) };
}

/** Seconds since a process.hrtime.bigint() stamp (monotonic, not affected by clock steps). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * How a health probe failed, as data rather than wording. The collector needs the difference: a kubelet
 * or runtime that did not answer in time on a starved node is a symptom of the starvation, while one that
 * refused the connection is down in its own right (collector/diagnosis/cause-relations.ts). Carried in the
 * reading and in the finding's details as `failure`.
 */
export type ProbeFailure =
  /** No answer within the probe's deadline (connect, TLS and response together). */
  | 'timeout'
  /** Nobody listening: connection refused, or the unix socket is gone. */
  | 'refused'
  /** It answered, but not healthy (an HTTP status other than the healthy one). */
  | 'status'
  /** Anything else: a reset, a TLS failure, an unreadable answer, an error status. */
  | 'error';

/** A probe's rejection that says how it failed; the message is fit for the reading's `reason`. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
  constructor(
    message: string,
    readonly failure: ProbeFailure,
  ) {
    super(message);
  }
}

/** Socket errors that mean nothing listens there. */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ENOENT']);
/** Socket errors that mean the peer never answered in time (the kernel's own connect timeout). */
const TIMEOUT_CODES = new Set(['ETIMEDOUT']);

/** The failure kind of a Node.js socket error code. */
export function failureOfCode(code: string | undefined): ProbeFailure {
  if (code !== undefined && REFUSED_CODES.has(code)) return 'refused';
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'timeout';
  return 'error';
}

/** The failure kind of whatever a probe threw. */
export function failureOf(error: unknown): ProbeFailure {
  if (error instanceof ProbeError) return error.failure;
  return failureOfCode((error as NodeJS.ErrnoException | null)?.code);
}

import type { ProbeFailure } from '../probes/probe-failure.js';

/**
 * A CRI Status call that did not produce conditions: no connection, deadline, an error status, or an
 * answer we cannot read. The message is fit for the reading's `reason`.
 */
export class CriCallError extends Error {
  override readonly name = 'CriCallError';

  /**
   * How the call failed: gRPC answers UNAVAILABLE when the socket refuses the connection (nothing
   * listening), DEADLINE_EXCEEDED when the runtime did not answer in time.
   */
  get failure(): ProbeFailure {
    if (this.code === 'DEADLINE_EXCEEDED') return 'timeout';
    if (this.code === 'UNAVAILABLE') return 'refused';
    return 'error';
  }

  constructor(
    message: string,
    /** gRPC status name (UNAVAILABLE, DEADLINE_EXCEEDED, …), or null when the answer was unreadable. */
    readonly code: string | null,
    /**
     * The endpoint speaks gRPC but serves neither CRI version: Docker's containerd, for one, ships with
     * the cri plugin disabled on the same socket path a Kubernetes node's containerd uses.
     */
    readonly notCri = false,
  ) {
    super(message);
  }
}

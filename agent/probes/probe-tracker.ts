/**
 * Remembers, per probed endpoint, whether it ever answered and how many probes in a row failed. This is
 * what turns "nothing listens on :10248" into `absent` on a laptop but `down` on a node whose kubelet
 * answered a minute ago (or whose endpoint the operator named explicitly).
 */
export class ProbeTracker {
  private seen = false;
  private failures = 0;

  constructor(private readonly explicit: boolean) {}

  succeeded(): number {
    this.seen = true;
    this.failures = 0;
    return this.failures;
  }

  /** Failed probes in a row so far (attempts, so an in-cycle retry counts too). */
  get streak(): number {
    return this.failures;
  }

  /** Counts a failure; returns the streak length. */
  failed(): number {
    this.failures += 1;
    return this.failures;
  }

  /** A failure means `down` (rather than `absent`) if the endpoint was named, answered before, or is expected. */
  expected(installed = false): boolean {
    return this.explicit || this.seen || installed;
  }
}

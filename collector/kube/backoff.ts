/**
 * Exponential backoff with full jitter (a uniformly random wait between 0 and the capped exponential):
 * after an API server restart, hundreds of collectors' and controllers' watches drop at once, and jitter
 * keeps them from reconnecting in lockstep.
 */
export class JitteredBackoff {
  private failures = 0;

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt; each call counts one more consecutive failure. */
  next(): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    return Math.round(ceiling * this.random());
  }

  /** A success: the next failure starts from the base again. */
  reset(): void {
    this.failures = 0;
  }
}

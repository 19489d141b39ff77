/**
 * A token bucket: up to `capacity` at once, then one more every `refillMs`. Time comes from `now`, so a
 * test moves it by hand instead of sleeping.
 */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(
    private readonly capacity: number,
    private readonly refillMs: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.updatedMs = now();
  }

  /** Whether a token is there, without taking it. */
  available(): boolean {
    this.refill();
    return this.tokens >= 1;
  }

  /** Takes a token; false (and nothing taken) when the bucket is empty. */
  take(): boolean {
    if (!this.available()) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const nowMs = this.now();
    const elapsed = Math.max(0, nowMs - this.updatedMs);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed / this.refillMs);
    this.updatedMs = nowMs;
  }
}

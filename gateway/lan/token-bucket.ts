/** A token bucket: `burst` tokens at most, refilled at `perSec`; time comes from the caller (tests). */
export class TokenBucket {
  private tokens: number;

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private at: number,
  ) {
    this.tokens = burst;
  }

  /**
   * Takes one token. Returns 0 when one was there, the milliseconds until it is when that is at most
   * `holdMs` (the token is then owed), or -1 (nothing taken) when it would be longer.
   */
  take(now: number, holdMs = 0): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    const waitMs = ((1 - this.tokens) / this.perSec) * 1000;
    if (waitMs > holdMs) return -1;
    this.tokens -= 1;
    return waitMs;
  }

  /** Gives one token back (a login that succeeded costs nothing). */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** True when the bucket is as good as new, so its owner may forget it. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSec);
    this.at = now;
  }
}

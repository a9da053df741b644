/**
 * Publishes per device (issue 8, finding 4): one device sent 10,500 events/s, all accepted, and another
 * device's p99 latency rose to 504 ms. A token bucket per device; a publish over the rate is held (its
 * PUBACK waits, and aedes reads nothing more from that connection meanwhile, so TCP slows the device
 * down and nothing is lost) for at most `holdMs`; beyond that it is refused, which closes the connection.
 */
import { TokenBucket } from './token-bucket.js';

/** A sustained rate and a burst above it. */
export interface RateSpec {
  perSec: number;
  burst: number;
}

export class DeviceRates {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly specOf: (device: string) => RateSpec,
    private readonly holdMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to hold this publish of `device` (0: none), or -1 to refuse it. */
  take(device: string): number {
    const now = this.now();
    let b = this.buckets.get(device);
    if (!b) {
      const spec = this.specOf(device);
      b = new TokenBucket(spec.perSec, spec.burst, now);
      this.buckets.set(device, b); // keys are configured device ids only: bounded
    }
    return b.take(now, this.holdMs);
  }
}

/**
 * Capped exponential backoff with "equal jitter": half the delay is fixed, half random, so a township
 * broker that comes back is not hit by every village at the same instant (MQTT.js's fixed
 * `reconnectPeriod` would do exactly that).
 */
import { delayMs } from '../gateway/kernel/timers.js';

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return delayMs(Math.round(ceiling / 2 + (this.random() * ceiling) / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}

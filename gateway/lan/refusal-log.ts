/**
 * Aggregated log lines for refusals (issue 8): a flood of 400 bad logins must not write 400 lines. The
 * first refusal of a kind in an interval is logged at once; the rest are counted and logged as one line
 * with `count` and the last sample when the interval ends.
 */
import { delayMs } from '../kernel/timers.js';
import type { Logger } from 'pino';

interface Pending {
  count: number;
  sample: Record<string, unknown>;
  timer: NodeJS.Timeout;
}

export class RefusalLog {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  /** Logs (or counts) one refusal; `kind` must be a fixed string, never attacker-chosen text. */
  note(msg: string, kind: string, sample: Record<string, unknown>): void {
    const key = `${msg}\u0000${kind}`;
    const open = this.pending.get(key);
    if (open) {
      open.count++;
      open.sample = sample;
      return;
    }
    this.log.warn({ ...sample, reason: kind, count: 1 }, msg);
    const timer = setTimeout(() => this.close(key, msg, kind), delayMs(this.intervalMs));
    timer.unref();
    this.pending.set(key, { count: 0, sample, timer });
  }

  /** Writes what is still counted (at stop). */
  flush(): void {
    for (const key of [...this.pending.keys()]) {
      const [msg = '', kind = ''] = key.split('\u0000');
      this.close(key, msg, kind);
    }
  }

  private close(key: string, msg: string, kind: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(key);
    if (p.count > 0) this.log.warn({ ...p.sample, reason: kind, count: p.count }, msg);
  }
}

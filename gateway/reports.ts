/**
 * Rate-limited `system` reports of rejected input (bad payloads, refused logins, ACL denials, rejected
 * commands). The first of a kind is reported at once; repeats within the window are counted and sent as
 * one report with `count` when the window closes, so a misbehaving device cannot flood the uplink but
 * no rejection goes unreported.
 */
import type { Logger } from 'pino';
import type { Severity } from './config/schema.js';
import type { Pipeline } from './pipeline.js';

interface Window {
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
  pending: number;
  timer: NodeJS.Timeout;
}

export class RejectionReports {
  private readonly windows = new Map<string, Window>();
  /** Rejections by subject (device id, username or command key id), for health and tests. */
  readonly counts = new Map<string, number>();
  total = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly log: Logger,
    private readonly windowMs = 10_000,
  ) {}

  /** Counts one rejection of `subject` and reports it (rate-limited per type + subject + data). */
  reject(type: string, severity: Severity, subject: string, data: Record<string, unknown>): void {
    this.total++;
    this.counts.set(subject, (this.counts.get(subject) ?? 0) + 1);
    const key = `${type}\u0000${subject}\u0000${JSON.stringify(data)}`;
    const open = this.windows.get(key);
    if (open) {
      open.pending++;
      return;
    }
    const timer = setTimeout(() => this.close(key), this.windowMs);
    timer.unref();
    this.windows.set(key, { type, severity, data, pending: 0, timer });
    this.send(type, severity, data, 1);
  }

  /** Sends what is still counted (at stop), so the totals reach the township. */
  flush(): void {
    for (const [key, w] of this.windows) {
      clearTimeout(w.timer);
      this.windows.delete(key);
      if (w.pending > 0) this.send(w.type, w.severity, w.data, w.pending);
    }
  }

  private close(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    this.windows.delete(key);
    if (w.pending > 0) this.send(w.type, w.severity, w.data, w.pending);
  }

  private send(type: string, severity: Severity, data: Record<string, unknown>, count: number): void {
    this.pipeline.system(type, severity, { ...data, count }).catch((err: unknown) => {
      this.log.error({ err, type, count }, 'could not store a rejection report');
    });
  }
}

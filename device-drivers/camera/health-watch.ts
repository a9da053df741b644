/**
 * Reachability of one camera (运行维护): a check every `intervalSec`, offline after `offlineAfter`
 * failed checks in a row, online again at the first success — with the outage measured from the first
 * failed check to that success — and the camera's clock drift judged against `driftMaxSec`.
 */
import { secMs } from '../../gateway/kernel/timers.js';

/** What a check found: the camera's clock drift when it tells its time (ONVIF). */
export interface CheckResult {
  driftMs?: number | undefined;
}

/** What the watch reports. */
export interface HealthHooks {
  offline(since: number, reason: string): void;
  online(outageMs: number, since: number): void;
  /** Drift went over the limit (`over`) or back within it. */
  drift(driftMs: number, over: boolean): void;
  /** After every check, for the camera's state. */
  checked(): void;
}

export class HealthWatch {
  online: boolean | null = null;
  failures = 0;
  checks = 0;
  /** Times the camera went offline since start. */
  outages = 0;
  lastError: string | null = null;
  driftMs: number | null = null;
  private firstFailureAt: number | null = null;
  private driftOver = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly check: () => Promise<CheckResult>,
    private readonly cfg: { intervalSec: number; offlineAfter: number; driftMaxSec: number },
    private readonly now: () => number,
    private readonly hooks: HealthHooks,
  ) {}

  /** Runs the first check (awaited), then one every interval. */
  async start(): Promise<void> {
    await this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), secMs(this.cfg.intervalSec));
  }

  private tick(): Promise<void> {
    this.running = this.once().finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  private async once(): Promise<void> {
    this.checks++;
    const at = this.now();
    let result: CheckResult;
    try {
      result = await this.check();
    } catch (err) {
      const e = err as { reason?: string; message: string };
      this.lastError = e.reason ?? e.message;
      this.failures++;
      this.firstFailureAt ??= at;
      if (this.failures >= this.cfg.offlineAfter && this.online !== false) {
        this.online = false;
        this.outages++;
        this.hooks.offline(this.firstFailureAt, this.lastError);
      }
      return this.hooks.checked();
    }
    const wasOffline = this.online === false;
    const since = this.firstFailureAt;
    this.online = true;
    this.failures = 0;
    this.firstFailureAt = null;
    this.lastError = null;
    if (wasOffline && since !== null) this.hooks.online(this.now() - since, since);
    if (result.driftMs !== undefined) {
      this.driftMs = result.driftMs;
      const over = Math.abs(result.driftMs) > this.cfg.driftMaxSec * 1000;
      if (over !== this.driftOver) {
        this.driftOver = over;
        this.hooks.drift(result.driftMs, over);
      }
    }
    this.hooks.checked();
  }

  /** Stops the checks; waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

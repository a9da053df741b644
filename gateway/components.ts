/**
 * One lifecycle for every part of the gateway (style rule 2, issue 9): components start in order and
 * stop in reverse, each step with a time limit. A component marked `optional` (a driver, the notice
 * queue) that fails to start is reported and the rest goes on (style rule 3); any other failure stops
 * what had started, in reverse, and is thrown. A failed stop step is logged and the stop goes on.
 */
import type { Logger } from 'pino';
import { step } from './lifecycle.js';

export interface Component {
  name: string;
  /** Does the I/O; `signal` aborts when the step's time limit passes or the gateway stops meanwhile. */
  start?(signal: AbortSignal): Promise<unknown> | unknown;
  /** Releases what `start` took. */
  stop?(): Promise<unknown> | unknown;
  /** Time limits in ms (default 10 s to start, 2 s to stop). */
  startMs?: number;
  stopMs?: number;
  /** A failed start is logged with this message and the gateway starts without it. */
  optional?: string;
}

/** A component whose start failed (an optional one: the gateway runs degraded). */
export interface FailedComponent {
  name: string;
  error: Error;
}

export class Components {
  private started: Component[] = [];
  private readonly aborts = new AbortController();
  readonly failed: FailedComponent[] = [];

  constructor(
    private readonly log: Logger,
    private readonly list: readonly Component[],
  ) {}

  /** Starts every component in order; on a failure of a required one, stops the started ones and throws. */
  async start(): Promise<void> {
    for (const c of this.list) {
      if (this.aborts.signal.aborted) return;
      const own = new AbortController();
      const abort = () => own.abort(this.aborts.signal.reason);
      this.aborts.signal.addEventListener('abort', abort, { once: true });
      try {
        if (c.start) {
          await step(this.log, c.name, c.startMs ?? 10_000, () => c.start?.(own.signal)).catch((err: unknown) => {
            own.abort(err);
            throw err;
          });
        }
        this.started.push(c);
      } catch (err) {
        this.failed.push({ name: c.name, error: err as Error });
        if (c.optional) {
          this.log.error({ component: c.name, err }, c.optional);
          this.started.push(c); // stopped with the rest: a half-started driver releases what it took
          continue;
        }
        await this.stop();
        throw err;
      } finally {
        this.aborts.signal.removeEventListener('abort', abort);
      }
    }
  }

  /** Stops the started components in reverse order; each step is bounded and a failure is logged. */
  async stop(): Promise<void> {
    this.aborts.abort(new Error('gateway stopping'));
    const started = this.started.reverse();
    this.started = [];
    for (const c of started) {
      if (!c.stop) continue;
      try {
        await step(this.log, `stop ${c.name}`, c.stopMs ?? 2000, () => c.stop?.());
      } catch (err) {
        this.log.error({ err, step: `stop ${c.name}` }, 'stop step failed');
      }
    }
  }
}

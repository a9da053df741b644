/**
 * Outcome reporting: `broadcast.*` events through the pipeline, so the township can list per village
 * what was actually heard, and each notice's final reply (`done` / `failed`) through the router. A
 * notice ends once in the store first, then is reported, then marked reported; `reportPending` at
 * start finishes what a crash interrupted in between.
 */
import type { Logger } from 'pino';
import { isoLocal } from '../kernel/clock.js';
import type { BroadcastStore, EndState, EndedNotice, Notice, Outcome } from './store.js';

export type BroadcastEvent = 'queued' | 'started' | 'finished' | 'preempted' | 'cancelled' | 'expired' | 'failed';

export interface OutcomeDeps {
  store: BroadcastStore;
  /** Commits a `broadcast` category event. */
  emit: (type: string, data: Record<string, unknown>) => Promise<unknown>;
  /** The final reply to the broadcast command. */
  settle: (id: string, outcome: { status: 'done' } | { status: 'failed'; error: Outcome }) => Promise<void>;
  log: Logger;
}

export class Outcomes {
  constructor(private readonly deps: OutcomeDeps) {}

  async event(type: BroadcastEvent, notice: Notice, data: Record<string, unknown>): Promise<void> {
    await this.deps.emit(`broadcast.${type}`, { broadcast: notice.id, priority: notice.priority, ...data });
  }

  /** Ends a queued notice and reports it; false when it had already ended elsewhere. */
  async end(notice: Notice, state: EndState, played: number, error: Outcome | null): Promise<boolean> {
    if (!this.deps.store.end(notice.id, state, played, error)) return false;
    this.deps.log.info({ broadcast: notice.id, state, played, plays: notice.plays, code: error?.code }, 'broadcast ended');
    await this.report({ ...notice, played, state, error });
    return true;
  }

  /** Reports notices that ended before a crash kept their final reply from the outbox. */
  async reportPending(): Promise<number> {
    const pending = this.deps.store.unreported();
    for (const n of pending) await this.report(n);
    return pending.length;
  }

  private async report(n: EndedNotice): Promise<void> {
    // A notice that was heard needs no event of its own: its last `broadcast.finished` says so.
    if (n.state !== 'done') {
      await this.event(n.state, n, { played: n.played, plays: n.plays, ...(n.error ? { code: n.error.code, reason: n.error.message } : {}) });
    }
    const outcome = n.state === 'done' ? { status: 'done' as const } : { status: 'failed' as const, error: n.error ?? { code: n.state, message: `broadcast ${n.state}` } };
    await this.deps.settle(n.id, outcome);
    this.deps.store.markReported(n.id);
  }
}

export const expiredOutcome = (n: Notice): Outcome => ({ code: 'expired', message: `expired at ${isoLocal(n.expires)} after ${n.played} of ${n.plays} plays` });

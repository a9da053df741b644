/**
 * The broadcast scheduler. One notice plays at a time, chosen from the store in playing order
 * (emergency first, then the earliest due). An emergency that becomes due while a normal notice plays
 * stops it at once; the interrupted play does not count, so the notice plays again afterwards. After
 * each play a repeated notice waits `interval`; one not finished by its expiry is dropped.
 */
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.js';
import { expiredOutcome, type Outcomes } from './outcomes.js';
import { outcomeOf, type Player, type PlayResult } from './player.js';
import type { BroadcastStore, EndState, Notice, Outcome } from './store.js';

/** Longest sleep between looks at the queue: a Pi's clock jumps when NTP first syncs, and a timer
 * computed from the old time would then fire hours late (or early). */
const MAX_SLEEP_MS = 1000;

type StopReason = { reason: 'preempted' | 'cancelled'; by: string } | { reason: 'stopping' };

interface Current {
  notice: Notice;
  abort: AbortController;
  stop: StopReason | null;
  done: Promise<void>;
}

export interface QueueDeps {
  store: BroadcastStore;
  player: Player;
  outcomes: Outcomes;
  clock: Clock;
  log: Logger;
}

export class BroadcastQueue {
  private current: Current | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly deps: QueueDeps) {}

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops the sound; the interrupted notice stays queued and plays again after the restart. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    const c = this.current;
    if (!c) return;
    c.stop ??= { reason: 'stopping' };
    c.abort.abort();
    await c.done;
  }

  /**
   * Looks at the queue on the next turn of the event loop, not now: a command's `accepted` reply is
   * then already in the outbox before any outcome of its notice.
   */
  kick(): void {
    this.wake(0);
  }

  /** Fetches a URL notice's audio now, so a bad link is reported when it arrives, not when it is due. */
  prefetch(n: Notice): void {
    if (!('url' in n.content)) return;
    this.deps.player.prepare(n).catch(async (err: unknown) => {
      if (this.current?.notice.id === n.id) return; // its play reports the failure
      await this.end(n, 'failed', n.played, outcomeOf(err));
    });
  }

  /** Cancels a queued or playing notice; throws when there is none to cancel. */
  async cancel(id: string, by: string): Promise<void> {
    const n = this.deps.store.get(id);
    if (!n) throw new Error(`no broadcast ${id} on this gateway`);
    if (n.state !== 'queued') throw new Error(`broadcast ${id} has already ended (${n.state})`);
    const c = this.current;
    if (c?.notice.id === id) {
      c.stop = { reason: 'cancelled', by };
      c.abort.abort();
      return c.done;
    }
    await this.end(n, 'cancelled', n.played, { code: 'cancelled', message: `cancelled by ${by}` });
  }

  private wake(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.running ? setTimeout(() => this.tick(), Math.min(ms, MAX_SLEEP_MS)) : null;
  }

  private tick(): void {
    this.timer = null;
    if (!this.running) return;
    const now = this.deps.clock.now();
    let next = now + MAX_SLEEP_MS;
    let chosen = false;
    for (const n of this.deps.store.queued()) {
      if (n.id === this.current?.notice.id) continue;
      if (n.expires <= now) {
        void this.end(n, 'expired', n.played, expiredOutcome(n));
        continue;
      }
      next = Math.min(next, n.expires, n.due > now ? n.due : Infinity);
      if (n.due > now || chosen) continue;
      chosen = true; // queued() is in playing order: the first due notice is the one to play
      const c = this.current;
      if (!c) this.begin(n);
      else if (n.priority === 'emergency' && c.notice.priority === 'normal' && !c.stop) {
        c.stop = { reason: 'preempted', by: n.id };
        c.abort.abort();
      }
    }
    this.wake(next - now);
  }

  private begin(notice: Notice): void {
    const c: Current = { notice, abort: new AbortController(), stop: null, done: Promise.resolve() };
    this.current = c;
    c.done = this.deps.player
      .play(notice, c.abort.signal)
      .then((result) => this.after(c, result))
      .catch((err: unknown) => this.deps.log.error({ err, broadcast: notice.id }, 'broadcast outcome not recorded'))
      .finally(() => {
        this.current = null;
        this.kick();
      });
  }

  private async after(c: Current, result: PlayResult): Promise<void> {
    const n = c.notice;
    switch (result.kind) {
      case 'heard': {
        const played = n.played + 1;
        await this.deps.outcomes.event('finished', n, { play: played, plays: n.plays, elapsedMs: result.ms });
        if (played >= n.plays) await this.end(n, 'done', played, null);
        else this.deps.store.reschedule(n.id, played, this.deps.clock.now() + n.intervalMs);
        return;
      }
      case 'stopped':
        if (c.stop?.reason === 'preempted') await this.deps.outcomes.event('preempted', n, { by: c.stop.by, play: n.played + 1, plays: n.plays, elapsedMs: result.ms });
        if (c.stop?.reason === 'cancelled') await this.end(n, 'cancelled', n.played, { code: 'cancelled', message: `cancelled by ${c.stop.by} while playing` });
        return;
      case 'failed':
        await this.end(n, 'failed', n.played, result.error);
        return;
    }
  }

  private async end(n: Notice, state: EndState, played: number, error: Outcome | null): Promise<void> {
    try {
      await this.deps.outcomes.end(n, state, played, error);
    } catch (err) {
      // The row has ended; its reply is sent by reportPending at the next start.
      this.deps.log.error({ err, broadcast: n.id, state }, 'broadcast outcome not recorded');
    }
  }
}

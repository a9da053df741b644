/**
 * Local reactions (config `reactions`): when an event matches, the box acts at once — the siren must
 * not wait for the disk or the township, so a full disk or a dead uplink cannot silence it. Each
 * reaction is then itself an event (`reaction.executed` / `reaction.failed`), committed after its cause
 * and as severe as it. Disarming a zone silences what its alarms switched on (`reaction.stopped`).
 */
import type { Logger } from 'pino';
import type { DeviceAction } from '../../device-drivers/driver.js';
import type { Clock } from '../kernel/clock.js';
import type { Severity } from '../kernel/severity.js';
import type { AcceptedEvent, EventDraft } from '../pipeline.js';
import type { ReactionConfig } from './config.js';

export interface ReactionsDeps {
  reactions: readonly ReactionConfig[];
  /** Commits an event (the pipeline's `emit`). */
  commit(draft: EventDraft): Promise<AcceptedEvent>;
  /** Runs an action on a device's driver. */
  act(device: string, action: DeviceAction): Promise<void>;
  /** The severity the pipeline gives `draft`; a reaction inherits its cause's. */
  severityOf(draft: EventDraft): Severity;
  clock: Clock;
  log: Logger;
}

/** Why an output is on: the zone whose event switched it on, and until when (null: until disarmed). */
interface Hold {
  zone: string | null;
  until: number | null;
}

function matches(r: ReactionConfig, e: EventDraft): boolean {
  const w = r.when;
  return w.type === e.type && (w.device === undefined || w.device === e.device) && (w.zone === undefined || w.zone === e.data.zone) && (w.input === undefined || w.input === e.data.input) && (w.armed === undefined || w.armed === e.data.armed);
}

export class Reactions {
  private readonly holds = new Map<string, Hold[]>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private deps: ReactionsDeps) {}

  /** Takes a reloaded config's reactions (gateway/reload.ts); outputs already on stay held as they were. */
  setReactions(reactions: readonly ReactionConfig[]): void {
    this.deps = { ...this.deps, reactions };
  }

  /** Runs the reactions `draft` matches (the bus calls this before the commit); `accepted`: its commit. */
  react(draft: EventDraft, accepted: Promise<AcceptedEvent>): void {
    for (const r of this.deps.reactions) if (matches(r, draft)) this.track(this.run(r, draft, accepted));
  }

  /** Switches off what alarms of `zone` switched on, unless another zone's alarm still holds it. */
  zoneDisarmed(zone: string): void {
    const now = this.deps.clock.now();
    for (const [device, holds] of this.holds) {
      const live = holds.filter((h) => h.until === null || h.until > now);
      const others = live.filter((h) => h.zone !== zone);
      this.holds.set(device, others);
      if (live.length === 0 || others.length > 0) continue;
      this.track(
        this.deps
          .act(device, { name: 'off', params: {} })
          .then(() => this.record({ device, type: 'reaction.stopped', severity: 'info', data: { target: device, zone, reason: 'zone-disarmed' } }))
          .catch((err: unknown) => this.deps.log.error({ err, device, zone }, 'reaction output could not be switched off at disarm')),
      );
    }
  }

  /** Waits for reaction events still being recorded. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async run(r: ReactionConfig, cause: EventDraft, accepted: Promise<AcceptedEvent>): Promise<void> {
    const target = r.do.device;
    const zone = typeof cause.data.zone === 'string' ? cause.data.zone : null;
    const ms = r.do.seconds !== undefined ? Math.round(r.do.seconds * 1000) : undefined;
    let error: Error | null = null;
    try {
      // Called before anything is awaited: the relay switches in this same turn of the event loop.
      const acting = this.deps.act(target, { name: r.do.action, params: ms !== undefined ? { ms } : {} });
      if (r.do.action === 'off') this.holds.delete(target);
      else this.holds.set(target, [...(this.holds.get(target) ?? []), { zone, until: ms === undefined ? null : this.deps.clock.now() + ms }]);
      await acting;
      this.deps.log.info({ reaction: r.name, target, action: r.do.action, cause: cause.type, device: cause.device }, 'reaction executed');
    } catch (err) {
      error = err as Error;
      this.deps.log.error({ err, reaction: r.name, target }, 'reaction failed');
    }
    const ids = await accepted.then(
      (a) => ({ id: a.id, seq: a.seq }),
      () => ({}),
    );
    const data = { reaction: r.name, target, action: r.do.action, ...(r.do.seconds !== undefined ? { seconds: r.do.seconds } : {}), cause: { device: cause.device, type: cause.type, ...ids, ...(zone ? { zone } : {}) } };
    await this.record({ device: target, type: error ? 'reaction.failed' : 'reaction.executed', severity: this.deps.severityOf(cause), data: error ? { ...data, error: error.message } : data }, cause.category);
  }

  private async record(e: Omit<EventDraft, 'category'>, category: EventDraft['category'] = 'alarm'): Promise<void> {
    await this.deps.commit({ ...e, category }).catch((err: unknown) => this.deps.log.error({ err, type: e.type }, 'reaction event could not be recorded'));
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    const done = () => this.pending.delete(p);
    p.then(done, done);
  }
}

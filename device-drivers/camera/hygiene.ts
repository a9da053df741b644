/**
 * Alarm hygiene per camera and alarm type (issue 11, item 3): a waving tree must not send 500 events.
 * The first trigger opens a merge window (`mergeSec`, 0: report at once); the triggers within it make
 * one event with their `count`. After an event, a cooldown (`cooldownSec`) holds further triggers and
 * counts them; when it ends with triggers held, one event reports them all (`merged: true`) and the
 * cooldown starts again, so a tree waving all night gives one event per cooldown.
 */
import { secMs } from '../../gateway/kernel/timers.js';

/** What one reported event covers. */
export interface Burst {
  type: string;
  count: number;
  firstAt: number;
  lastAt: number;
  /** Whether it reports triggers held by a cooldown. */
  merged: boolean;
  /** The first trigger's details (the region, the input). */
  detail: Record<string, unknown>;
}

interface Slot {
  phase: 'window' | 'cooldown';
  timer: NodeJS.Timeout;
  count: number;
  firstAt: number;
  lastAt: number;
  detail: Record<string, unknown>;
}

export class Hygiene {
  private readonly slots = new Map<string, Slot>();
  /** Triggers seen, and events they made: the difference was folded into counts. */
  triggers = 0;
  reported = 0;

  constructor(
    private readonly o: { cooldownSec: number; mergeSec: number },
    private readonly now: () => number,
    private readonly report: (burst: Burst) => void,
  ) {}

  /** A trigger of `type`: reported now, later in a merged event, or counted into one. */
  trigger(type: string, detail: Record<string, unknown>): void {
    const at = this.now();
    this.triggers++;
    const slot = this.slots.get(type);
    if (slot) {
      if (slot.count === 0) Object.assign(slot, { firstAt: at, detail });
      slot.count++;
      slot.lastAt = at;
      return;
    }
    if (this.o.mergeSec === 0) return this.fire(type, { count: 1, firstAt: at, lastAt: at, detail }, false);
    this.slots.set(type, { phase: 'window', count: 1, firstAt: at, lastAt: at, detail, timer: this.after(this.o.mergeSec, type) });
  }

  private after(sec: number, type: string): NodeJS.Timeout {
    const t = setTimeout(() => this.end(type), secMs(sec));
    t.unref();
    return t;
  }

  private end(type: string): void {
    const slot = this.slots.get(type);
    if (!slot) return;
    this.slots.delete(type);
    if (slot.phase === 'window') this.fire(type, slot, false);
    else if (slot.count > 0) this.fire(type, slot, true);
  }

  private fire(type: string, b: Pick<Slot, 'count' | 'firstAt' | 'lastAt' | 'detail'>, merged: boolean): void {
    this.reported++;
    this.report({ type, count: b.count, firstAt: b.firstAt, lastAt: b.lastAt, merged, detail: b.detail });
    if (this.o.cooldownSec > 0) this.slots.set(type, { phase: 'cooldown', count: 0, firstAt: 0, lastAt: 0, detail: {}, timer: this.after(this.o.cooldownSec, type) });
  }

  /** Drops every pending window and cooldown (the driver stops). */
  stop(): void {
    for (const s of this.slots.values()) clearTimeout(s.timer);
    this.slots.clear();
  }
}

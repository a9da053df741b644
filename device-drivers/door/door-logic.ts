/**
 * The door state machine shared by every door kind (a lock on GPIO, a door of a network controller):
 * unlock windows, openings and closings in, door events out. An opening outside every unlock window
 * (no grant, no exit button, no remote unlock) is `door.forced`; more openings than unlocks in one
 * window is `door.tailgating`; open longer than `heldOpenSec` is `door.held_open`, then
 * `door.held_open.cleared` when it closes. Each re-lock is reported (`door.locked`): network controllers
 * send no event when they re-lock (uhppoted-app-home-assistant#24), so users could not see it.
 */
import { isoLocal, type Clock } from '../../gateway/kernel/clock.js';
import { secMs } from '../../gateway/kernel/timers.js';

/** Who released the lock: a granted credential, the township, the exit button, a keypad supervisor code. */
export type UnlockBy = 'grant' | 'remote' | 'rex' | 'supervisor';

/** The last release of the lock, as mirrored in the door's state. */
export interface LastGrant {
  by: UnlockBy;
  person: string | null;
  at: string;
}

/** What the logic drives: the lock itself. */
export interface LockPort {
  /** Releases the lock; resolves once it is released (relay written, controller answered). */
  release(seconds: number): Promise<void>;
  /** Locks again (a controller that re-locks by itself does nothing here). */
  engage(): Promise<void>;
}

export interface DoorLogicOptions {
  heldOpenSec: number;
  clock: Clock;
  lock: LockPort;
  /** Hands an event over for commit; called in the order the causes happened. */
  emit(type: string, data: Record<string, unknown>): Promise<void>;
  /** Called after every change of `locked`, `open` or `lastGrant`. */
  changed(): void;
  /** A failure of a timer-driven step (re-lock), for the driver's log. */
  failed(err: unknown, what: string): void;
}

interface Window {
  by: UnlockBy;
  person: string | null;
  /** Clock time the lock re-engages. */
  until: number;
  unlocks: number;
  openings: number;
  tailgated: boolean;
}

export class DoorLogic {
  locked = true;
  open = false;
  lastGrant: LastGrant | null = null;
  private window: Window | null = null;
  private openedAt = 0;
  private relockTimer: NodeJS.Timeout | null = null;
  private heldTimer: NodeJS.Timeout | null = null;
  private held = false;

  constructor(private readonly o: DoorLogicOptions) {}

  /** The mirrored state: `locked`, `open`, `lastGrant`. */
  state(): Record<string, unknown> {
    return { locked: this.locked, open: this.open, lastGrant: this.lastGrant };
  }

  /** Releases the lock for `seconds` and reports it; resolves once the lock is released and the event committed. */
  async unlock(by: UnlockBy, seconds: number, person: string | null = null): Promise<void> {
    await this.o.lock.release(seconds);
    await this.unlocked(by, seconds, person);
  }

  /** The lock was released by someone else (a controller's own grant): the window opens, nothing is driven. */
  unlocked(by: UnlockBy, seconds: number, person: string | null = null): Promise<void> {
    const now = this.o.clock.now();
    const until = now + seconds * 1000;
    const w = this.window;
    if (w) {
      w.unlocks++;
      w.until = Math.max(w.until, until);
      w.by = by;
      w.person = person;
    } else this.window = { by, person, until, unlocks: 1, openings: 0, tailgated: false };
    this.locked = false;
    this.lastGrant = { by, person, at: isoLocal(now) };
    if (this.relockTimer) clearTimeout(this.relockTimer);
    this.relockTimer = setTimeout(() => void this.relock().catch((err: unknown) => this.o.failed(err, 'relock')), secMs(((this.window as Window).until - now) / 1000));
    this.o.changed();
    return this.o.emit('door.unlocked', { by, seconds, ...(person ? { person } : {}) });
  }

  /** The window ends: the lock engages again and that is reported. */
  async relock(): Promise<void> {
    if (this.relockTimer) clearTimeout(this.relockTimer);
    this.relockTimer = null;
    if (this.locked) return;
    const w = this.window;
    this.window = null;
    await this.o.lock.engage();
    this.locked = true;
    this.o.changed();
    await this.o.emit('door.locked', { unlocks: w?.unlocks ?? 0, openings: w?.openings ?? 0, open: this.open });
  }

  /** The door contact opened. */
  opened(): Promise<void> {
    if (this.open) return Promise.resolve();
    this.open = true;
    this.openedAt = this.o.clock.now();
    const w = this.window;
    const events: Promise<void>[] = [];
    if (!w) {
      events.push(this.o.emit('door.opened', { by: 'none' }));
      events.push(this.o.emit('door.forced', { locked: this.locked }));
    } else {
      w.openings++;
      events.push(this.o.emit('door.opened', { by: w.by, ...(w.person ? { person: w.person } : {}), opening: w.openings }));
      // One report per window: a group walking in behind one card is one tailgating, not one per person.
      if (w.openings > w.unlocks && !w.tailgated) {
        w.tailgated = true;
        events.push(this.o.emit('door.tailgating', { openings: w.openings, unlocks: w.unlocks, by: w.by, ...(w.person ? { person: w.person } : {}) }));
      }
    }
    this.heldTimer = setTimeout(() => {
      this.heldTimer = null;
      this.held = true;
      void this.o.emit('door.held_open', { openSec: this.o.heldOpenSec }).catch((err: unknown) => this.o.failed(err, 'door.held_open'));
    }, secMs(this.o.heldOpenSec));
    this.o.changed();
    return Promise.all(events).then(() => {});
  }

  /** The door contact closed. */
  closed(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    const openSec = Math.round((this.o.clock.now() - this.openedAt) / 100) / 10;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    const events = [this.o.emit('door.closed', { openSec })];
    if (this.held) events.push(this.o.emit('door.held_open.cleared', { openSec }));
    this.held = false;
    this.o.changed();
    return Promise.all(events).then(() => {});
  }

  /** Clears the timers (the driver stops; the lock itself is the driver's to leave safe). */
  stop(): void {
    for (const t of [this.relockTimer, this.heldTimer]) if (t) clearTimeout(t);
    this.relockTimer = this.heldTimer = null;
  }
}

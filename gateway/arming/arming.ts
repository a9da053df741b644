/**
 * Zone arming: each zone is armed or disarmed by the `zone.arm` / `zone.disarm` commands and by its
 * daily schedule. The rule that makes both work, also across restarts: the latest schedule boundary
 * (window start or end) wins over any decision taken before it, and a decision taken after it holds until
 * the next one. A gateway that was off over a boundary therefore applies it when it starts. Every change
 * is stored first, then `zone.armed` / `zone.disarmed` is committed.
 */
import type { Logger } from 'pino';
import type { ZoneView } from '../../device-drivers/alarm-input/alarm-input.js';
import type { Clock } from '../kernel/clock.js';
import type { ZoneConfig } from './config.js';
import { Schedule } from './schedule.js';
import type { ArmingStore, ZoneState } from './store.js';

export type ArmingCause = { by: 'command'; operator: string; commandId: string } | { by: 'schedule' };

export interface ArmingDeps {
  zones: readonly ZoneConfig[];
  store: ArmingStore;
  clock: Clock;
  /** Commits a `zone.*` event. */
  emit(type: 'zone.armed' | 'zone.disarmed', data: Record<string, unknown>): Promise<void>;
  log: Logger;
}

/** Schedules are looked at again at least this often, so a clock set by NTP after boot is noticed. */
const MAX_TICK_MS = 60_000;

export class Arming implements ZoneView {
  private schedules: Map<string, Schedule>;
  private state = new Map<string, ZoneState>();
  private readonly listeners = new Set<(zone: string, armed: boolean) => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ArmingDeps) {
    this.schedules = new Map(deps.zones.map((z) => [z.name, new Schedule(z.schedule)]));
  }

  has(zone: string): boolean {
    return this.schedules.has(zone);
  }

  names(): string[] {
    return [...this.schedules.keys()];
  }

  isArmed(zone: string): boolean {
    return this.state.get(zone)?.armed ?? false;
  }

  /** `listener` hears every arm and disarm, and every disarm command (see `set`). */
  onChange(listener: (zone: string, armed: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the stored state and applies schedule boundaries passed while the gateway was off. */
  async start(): Promise<void> {
    this.state = this.deps.store.load();
    const now = this.deps.clock.now();
    for (const [zone, schedule] of this.schedules) {
      if (this.state.has(zone)) continue;
      // A zone seen for the first time starts as its schedule says (disarmed without one).
      const initial: ZoneState = { armed: false, source: 'schedule', changed: now };
      this.deps.store.save(zone, initial);
      this.state.set(zone, initial);
      if (schedule.armedAt(now)) await this.change(zone, true, { by: 'schedule' }, now);
    }
    await this.evaluate();
    this.deps.log.info({ zones: Object.fromEntries(this.state) }, 'arming state loaded');
  }

  /** Takes a reloaded config's zones (gateway/reload.ts): new ones start as their schedule says, kept ones keep their state. */
  async setZones(zones: ArmingDeps['zones']): Promise<void> {
    this.schedules = new Map(zones.map((z) => [z.name, new Schedule(z.schedule)]));
    await this.start();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Arms or disarms `zones` (by command); resolves once the events are committed. Disarming a zone that
   * is already disarmed changes nothing but still silences its alarms, as a keypad does after a 24h alarm.
   */
  async set(zones: readonly string[], armed: boolean, cause: ArmingCause): Promise<void> {
    const now = this.deps.clock.now();
    for (const zone of zones) {
      if (this.isArmed(zone) !== armed) await this.change(zone, armed, cause, now);
      else if (!armed) for (const l of this.listeners) l(zone, false);
    }
  }

  /** Applies every schedule boundary newer than the zone's last decision, then waits for the next one. */
  async evaluate(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    const now = this.deps.clock.now();
    let next = now + MAX_TICK_MS;
    for (const [zone, schedule] of this.schedules) {
      if (schedule.empty) continue;
      const boundary = schedule.lastBoundary(now);
      const current = this.state.get(zone);
      if (boundary !== null && current && current.changed < boundary && current.armed !== schedule.armedAt(now)) {
        await this.change(zone, schedule.armedAt(now), { by: 'schedule' }, now);
      }
      next = Math.min(next, schedule.nextBoundary(now) ?? next);
    }
    this.timer = setTimeout(() => void this.evaluate().catch((err: unknown) => this.deps.log.error({ err }, 'arming schedule evaluation failed')), Math.max(0, next - now));
    this.timer.unref();
  }

  private async change(zone: string, armed: boolean, cause: ArmingCause, now: number): Promise<void> {
    // Stored before the event: after a crash in between, the box is as the operator wanted, only unreported.
    const next: ZoneState = { armed, source: cause.by, changed: now };
    this.deps.store.save(zone, next);
    this.state.set(zone, next);
    this.deps.log.info({ zone, armed, ...cause }, armed ? 'zone armed' : 'zone disarmed');
    for (const l of this.listeners) l(zone, armed);
    await this.deps.emit(armed ? 'zone.armed' : 'zone.disarmed', { zone, ...cause });
  }
}

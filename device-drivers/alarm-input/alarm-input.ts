/**
 * Alarm input driver: one contact on a GPIO pin (panic button, door contact, PIR, the relay output of a
 * home alarm panel or a camera, a UPS board's mains signal). Debounced levels become "active" through
 * the wiring (active-low/high, NO/NC); an activation raises `alarm.triggered` when the input is 24h or
 * its zone is armed (after the entry delay), and its end `alarm.restored`. A chattering contact gives
 * one `device.fault`; an NC loop open too long reads as a cut wire, reported as tamper.
 */
import type { AlarmInputConfig } from './config.js';
import type { Driver, DriverContext, DriverHealth } from '../driver.js';
import type { Gpio, GpioInput, Level, LevelChange } from '../gpio/gpio.js';
import { pinUnavailable } from '../gpio/unavailable-pin.js';
import { Chatter } from './chatter.js';
import { secMs } from '../../gateway/kernel/timers.js';

/** Arming state as drivers see it (gateway/arming implements it). */
export interface ZoneView {
  isArmed(zone: string): boolean;
  /** Calls `listener` on every arm and disarm; returns the unsubscribe function. */
  onChange(listener: (zone: string, armed: boolean) => void): () => void;
}

export interface AlarmInputSeams {
  gpio: Gpio;
  zones: ZoneView;
}

type Raised = 'alarm' | 'tamper';

export function createAlarmInput(ctx: DriverContext<AlarmInputSeams, AlarmInputConfig>): Driver {
  const { device: d, seams, log } = ctx;
  let input: GpioInput | null = null;
  let health: DriverHealth = { status: 'stopped', online: false };
  let active = false;
  const raised = new Set<Raised>();
  let entryTimer: NodeJS.Timeout | null = null;
  let cutTimer: NodeJS.Timeout | null = null;
  let unsubscribe = (): void => {};
  // Handed over at once, in the order their causes happened: the outbox numbers events in that order,
  // so nothing waits on an earlier commit (a panic's siren reaction must not queue behind a disk write).
  const pending = new Set<Promise<void>>();
  const record = (what: string, run: () => Promise<void>): void => {
    const p = run().catch((err: unknown) => log.error({ err, what }, 'alarm input could not record an event'));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const settled = () => Promise.all([...pending]);

  const isActive = (level: Level): boolean => {
    const closed = d.activeLow ? level === 0 : level === 1;
    return d.contact === 'NO' ? closed : !closed;
  };
  const base = () => ({ zone: d.zone, input: d.kind, pin: d.pin, mode: d.mode, armed: seams.zones.isArmed(d.zone) });
  const mains = (lost: boolean) => (d.kind === 'power-fail' ? { mains: lost ? 'lost' : 'restored' } : {});
  const mirror = () => record('state', () => ctx.setState({ online: health.online, state: { active, alarm: raised.size > 0, fault: chatter.faulted ? 'chatter' : null } }));

  const raise = (what: Raised, extra: Record<string, unknown> = {}): void => {
    if (raised.has(what)) return;
    raised.add(what);
    const data = what === 'tamper' ? { ...base(), input: 'tamper', source: d.kind, ...extra } : { ...base(), ...mains(true), ...extra };
    log.warn({ zone: d.zone, kind: d.kind, raised: what }, 'alarm input triggered');
    record('alarm.triggered', () => ctx.emit({ type: 'alarm.triggered', data }));
  };

  const restore = (): void => {
    for (const what of raised) {
      const data = what === 'tamper' ? { ...base(), input: 'tamper', source: d.kind } : { ...base(), ...mains(false) };
      if (d.restore) record('alarm.restored', () => ctx.emit({ type: 'alarm.restored', data }));
    }
    raised.clear();
  };

  const activated = (): void => {
    if (d.cutAfterSec !== null) {
      const sec = d.cutAfterSec;
      cutTimer = setTimeout(() => raise('tamper', { reason: 'nc-loop-open', openSec: sec }), secMs(sec));
    }
    if (d.mode === '24h') return raise('alarm');
    if (!seams.zones.isArmed(d.zone) || entryTimer) return;
    if (d.entryDelaySec === 0) return raise('alarm');
    const delay = d.entryDelaySec;
    log.info({ zone: d.zone, entryDelaySec: delay }, 'entry delay started');
    entryTimer = setTimeout(() => {
      entryTimer = null;
      if (!seams.zones.isArmed(d.zone)) return;
      raise('alarm', { entryDelaySec: delay });
      if (!active) restore();
    }, secMs(delay));
  };

  const apply = (next: boolean): void => {
    if (next === active) return;
    active = next;
    if (next) activated();
    else {
      if (cutTimer) clearTimeout(cutTimer);
      cutTimer = null;
      // During an entry delay the alarm is still to come; its restore follows it.
      if (!entryTimer) restore();
    }
    mirror();
  };

  const chatter = new Chatter(d.chatter.transitions, d.chatter.windowSec, () => {
    log.info({ pin: d.pin }, 'input quiet again; chatter fault cleared');
    record('device.fault.cleared', () => ctx.emit({ type: 'device.fault.cleared', data: { fault: 'chatter', pin: d.pin } }));
    if (input) apply(isActive(input.level));
    mirror();
  });

  const onChange = (change: LevelChange): void => {
    if (chatter.record(change.monoNs)) {
      log.warn({ pin: d.pin, ...d.chatter }, 'input chatters; ignored until quiet');
      record('device.fault', () => ctx.emit({ type: 'device.fault', data: { fault: 'chatter', pin: d.pin, transitions: d.chatter.transitions, windowSec: d.chatter.windowSec } }));
      mirror();
      return;
    }
    if (!chatter.faulted) apply(isActive(change.level));
  };

  return {
    async start() {
      try {
        input = await seams.gpio.openInput(d.pin, { debounceMs: d.debounceMs }, {
          onChange,
          onFault: (err) => {
            log.warn({ err, pin: d.pin }, 'gpio input fault; the backend keeps retrying');
            record('device.fault', () => ctx.emit({ type: 'device.fault', data: { fault: 'gpio-watch', pin: d.pin, message: err.message } }));
          },
        });
      } catch (err) {
        await pinUnavailable(ctx, d.pin, seams.gpio.backend, 'input', err, (h) => (health = h));
        return;
      }
      health = { status: 'ok', online: true };
      unsubscribe = seams.zones.onChange((zone, armed) => {
        if (zone !== d.zone || armed || !entryTimer) return;
        clearTimeout(entryTimer);
        entryTimer = null;
        log.info({ zone }, 'disarmed within the entry delay');
      });
      mirror();
      // An input already active at start (a held panic button, a cut NC loop) is a present condition.
      apply(isActive(input.level));
      await settled();
    },
    async stop() {
      unsubscribe();
      chatter.stop();
      for (const t of [entryTimer, cutTimer]) if (t) clearTimeout(t);
      entryTimer = cutTimer = null;
      await input?.close();
      input = null;
      health = { status: 'stopped', online: false };
      await settled();
    },
    health: () => health,
  };
}

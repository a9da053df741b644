/**
 * Relay output driver (siren, strobe, amplifier power): actions `on`, `off`, `pulse` ({ms}). A pulse
 * never shortens an earlier, longer one or an `on`. However it was switched on, the relay is forced off
 * after `maxOnSec` of continuous on-time and that is reported (`relay.forced-off`): a siren must not
 * sound all night because a reaction or an operator forgot it. State is mirrored to the township.
 */
import { isoLocal } from '../../gateway/kernel/clock.js';
import type { RelayConfig } from './config.js';
import type { DeviceAction, Driver, DriverContext, DriverHealth } from '../driver.js';
import type { Gpio, GpioOutput, Level } from '../gpio/gpio.js';
import { pinUnavailable } from '../gpio/unavailable-pin.js';
import { delayMs, secMs } from '../../gateway/kernel/timers.js';

export interface RelaySeams {
  gpio: Gpio;
}

export function createRelay(ctx: DriverContext<RelaySeams, RelayConfig>): Driver {
  const { device: d, seams, log, clock } = ctx;
  let out: GpioOutput | null = null;
  let health: DriverHealth = { status: 'stopped', online: false };
  /** Clock time it went on, or null when off. */
  let onSince: number | null = null;
  /** When a pulse ends it; null while on without an end. */
  let offAt: number | null = null;
  let offTimer: NodeJS.Timeout | null = null;
  let maxTimer: NodeJS.Timeout | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const level = (on: boolean): Level => (on !== d.activeLow ? 1 : 0);

  // One switching at a time, in order: a pulse's end must not overtake the `on` that followed it.
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const done = queue.then(run);
    queue = done.catch(() => {});
    return done;
  };

  const mirror = () => ctx.setState({ online: health.online, state: { on: onSince !== null, until: onSince !== null && offAt !== null ? isoLocal(offAt) : null } });

  const clearTimers = () => {
    for (const t of [offTimer, maxTimer]) if (t) clearTimeout(t);
    offTimer = maxTimer = null;
  };

  const switchOff = async (): Promise<number | null> => {
    if (onSince === null || !out) return null;
    await out.write(level(false));
    const onForMs = clock.now() - onSince;
    clearTimers();
    onSince = offAt = null;
    await mirror();
    return onForMs;
  };

  const forceOff = () =>
    serial(async () => {
      const onForMs = await switchOff();
      log.warn({ maxOnSec: d.maxOnSec, onForMs }, 'relay forced off at its maximum on-time');
      await ctx.emit({ type: 'relay.forced-off', data: { reason: 'max-on-time', maxOnSec: d.maxOnSec, onForMs } });
    }).catch(async (err: unknown) => {
      log.error({ err }, 'relay could not be switched off at its maximum on-time');
      await ctx.emit({ type: 'device.fault', data: { fault: 'relay-stuck', pin: d.pin, message: (err as Error).message } }).catch(() => {});
    });

  /** Switches on; `ms` null: until `off`, else for at least `ms` more. */
  const switchOn = async (ms: number | null): Promise<void> => {
    if (!out) throw new Error(`relay "${d.id}" is not available: ${health.detail ?? 'not started'}`);
    const now = clock.now();
    if (onSince === null) {
      await out.write(level(true));
      onSince = now;
      offAt = ms === null ? null : now + ms;
      maxTimer = setTimeout(() => void forceOff(), secMs(d.maxOnSec));
    } else if (ms === null) offAt = null;
    else if (offAt !== null) offAt = Math.max(offAt, now + ms);
    if (offTimer) clearTimeout(offTimer);
    offTimer = offAt === null ? null : setTimeout(() => void serial(switchOff).catch((err: unknown) => log.error({ err }, 'relay could not end a pulse')), delayMs(offAt - now));
    await mirror();
  };

  return {
    async start() {
      try {
        out = await seams.gpio.openOutput(d.pin, level(false), (err) => {
          log.warn({ err, pin: d.pin }, 'gpio output fault; the backend keeps retrying');
          void ctx.emit({ type: 'device.fault', data: { fault: 'gpio-output', pin: d.pin, message: err.message } }).catch(() => {});
        });
      } catch (err) {
        await pinUnavailable(ctx, d.pin, seams.gpio.backend, 'output', err, (h) => (health = h));
        return;
      }
      health = { status: 'ok', online: true };
      await mirror();
    },
    async stop() {
      await serial(switchOff).catch((err: unknown) => log.error({ err }, 'relay could not be switched off at stop'));
      clearTimers();
      await out?.close();
      out = null;
      health = { status: 'stopped', online: false };
    },
    health: () => health,
    async handleAction(action: DeviceAction) {
      switch (action.name) {
        case 'on':
          return serial(() => switchOn(null));
        case 'off':
          return void (await serial(switchOff));
        case 'pulse': {
          const ms = action.params.ms;
          if (typeof ms !== 'number' || !(ms > 0)) throw new Error(`relay "${d.id}": pulse needs params.ms > 0, got ${JSON.stringify(ms)}`);
          return serial(() => switchOn(ms));
        }
        default:
          throw new Error(`relay "${d.id}" takes the actions on, off and pulse, not "${action.name}"`);
      }
    },
  };
}

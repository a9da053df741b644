/**
 * A door on GPIO: the lock relay, the door contact and the exit button (REX) feed the door state
 * machine (door-logic.ts). The action `unlock` ({ seconds, by, person? }) resolves once the relay has
 * released the lock and `door.unlocked` is committed. The relay's unpowered state is the lock's fail
 * state: a fail-secure strike stays locked, a fail-safe magnetic lock opens (so the gateway stopping
 * leaves the door as its power failing would, which is what the installer chose).
 */
import type { DeviceAction, Driver, DriverContext, DriverHealth } from '../driver.js';
import type { Gpio, GpioInput, GpioOutput, Level, LevelChange } from '../gpio/gpio.js';
import { pinUnavailable } from '../gpio/unavailable-pin.js';
import type { DoorConfig } from './config.js';
import { DoorLogic } from './door-logic.js';
import { unlockParams } from './unlock-params.js';

export interface DoorSeams {
  gpio: Gpio;
}

export function createDoor(ctx: DriverContext<DoorSeams, DoorConfig>): Driver {
  const { device: d, seams, log } = ctx;
  let relay: GpioOutput | null = null;
  const inputs: GpioInput[] = [];
  let health: DriverHealth = { status: 'stopped', online: false };
  // Energised = released for a strike, = locked for a magnetic lock.
  const level = (released: boolean): Level => ((released === (d.lock === 'fail-secure')) !== d.lockActiveLow ? 1 : 0);
  const write = async (released: boolean) => {
    if (!relay) throw new Error(`door "${d.id}" is not available: ${health.detail ?? 'not started'}`);
    await relay.write(level(released));
  };
  // Events are handed over at once, in the order their causes happened (as alarm inputs do).
  const pending = new Set<Promise<void>>();
  const track = (what: string, p: Promise<void>): void => {
    const q = p.catch((err: unknown) => log.error({ err, what }, 'door could not record an event'));
    pending.add(q);
    void q.finally(() => pending.delete(q));
  };
  const logic = new DoorLogic({
    heldOpenSec: d.heldOpenSec,
    clock: ctx.clock,
    lock: { release: () => write(true), engage: () => write(false) },
    emit: (type, data) => ctx.emit({ type, category: 'door', data }),
    changed: () => track('state', ctx.setState({ online: health.online, state: logic.state() })),
    failed: (err, what) => log.error({ err, what }, 'door step failed'),
  });
  const closedLevel: Level = d.contactActiveLow ? 0 : 1;
  const pressedLevel: Level = d.rexActiveLow ? 0 : 1;

  const onContact = (c: LevelChange) => track('contact', c.level === closedLevel ? logic.closed() : logic.opened());
  const onRex = (c: LevelChange) => {
    if (c.level !== pressedLevel) return;
    log.info({ pin: d.rexPin, unlocks: d.rexUnlocks }, 'exit button pressed');
    track('rex', d.rexUnlocks ? logic.unlock('rex', d.unlockSec) : logic.unlocked('rex', d.unlockSec));
  };
  const openInput = async (pin: number, onChange: (c: LevelChange) => void) => {
    const input = await seams.gpio.openInput(pin, { debounceMs: d.debounceMs }, {
      onChange,
      onFault: (err) => {
        log.warn({ err, pin }, 'gpio input fault; the backend keeps retrying');
        track('device.fault', ctx.emit({ type: 'device.fault', data: { fault: 'gpio-watch', pin, message: err.message } }));
      },
    });
    inputs.push(input);
    return input;
  };

  return {
    async start() {
      let pin = d.lockPin;
      try {
        relay = await seams.gpio.openOutput(d.lockPin, level(false), (err) => {
          log.warn({ err, pin: d.lockPin }, 'gpio output fault; the backend keeps retrying');
          track('device.fault', ctx.emit({ type: 'device.fault', data: { fault: 'gpio-output', pin: d.lockPin, message: err.message } }));
        });
        if (d.contactPin !== undefined) {
          pin = d.contactPin;
          const contact = await openInput(d.contactPin, onContact);
          logic.open = contact.level !== closedLevel;
        }
        if (d.rexPin !== undefined) {
          pin = d.rexPin;
          await openInput(d.rexPin, onRex);
        }
      } catch (err) {
        await pinUnavailable(ctx, pin, seams.gpio.backend, pin === d.lockPin ? 'output' : 'input', err, (h) => (health = h));
        return;
      }
      health = { status: 'ok', online: true };
      await ctx.setState({ online: true, state: logic.state() });
    },
    async stop() {
      logic.stop();
      for (const input of inputs.splice(0)) await input.close();
      await relay?.write(level(false)).catch((err: unknown) => log.error({ err }, 'door could not be locked at stop'));
      await relay?.close();
      relay = null;
      health = { status: 'stopped', online: false };
      await Promise.all([...pending]);
    },
    health: () => health,
    async handleAction(action: DeviceAction) {
      if (action.name !== 'unlock') throw new Error(`door "${d.id}" takes the action unlock, not "${action.name}"`);
      const u = unlockParams(d.id, action, d.unlockSec);
      await logic.unlock(u.by, u.seconds, u.person);
    },
  };
}

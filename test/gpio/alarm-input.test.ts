/**
 * The alarm input driver on simulated pins with real timing: bounce, every wiring combination, chatter,
 * 24h and armable inputs, entry delay, cut NC loops, mains power, and a pin nobody can reach.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAlarmInput } from '../../device-drivers/alarm-input/alarm-input.js';
import type { Driver } from '../../device-drivers/driver.js';
import { unavailableGpio, type Gpio, type Level } from '../../device-drivers/gpio/gpio.js';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { alarmInputSchema } from '../../device-drivers/alarm-input/config.js';
import { FakeZones, recordingContext } from './support/driver-context.js';
import { eventually, sleep } from './support/wait.js';

const DEBOUNCE = 15;
let running: Driver[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
});

async function input(fields: Record<string, unknown>, opts: { sim?: SimulatedGpio; gpio?: Gpio; zones?: FakeZones } = {}) {
  const sim = opts.sim ?? new SimulatedGpio();
  const zones = opts.zones ?? new FakeZones();
  const device = alarmInputSchema.parse({ id: 'input-1', driver: 'alarm-input', zone: 'east-gate', pin: 17, kind: 'panic', debounceMs: DEBOUNCE, ...fields });
  const rec = recordingContext(device, { gpio: opts.gpio ?? sim.gpio, zones });
  const driver = createAlarmInput(rec.ctx);
  await driver.start();
  running.push(driver);
  return { ...rec, sim, zones, driver, pin: sim.pin(device.pin) };
}

describe('alarm input', () => {
  it('never raises an alarm for bounce pulses shorter than the debounce time, but does for a press', async () => {
    const sim = new SimulatedGpio();
    sim.pin(17).set(1); // pull-up: a released button reads high
    const t = await input({}, { sim });
    for (let i = 0; i < 5; i++) {
      await t.pin.pulse(0, DEBOUNCE / 3);
      await sleep(DEBOUNCE / 2);
    }
    await t.pin.bounce(4, 3, 1);
    await sleep(DEBOUNCE * 3);
    expect(t.types()).toEqual([]);
    await t.pin.pulse(0, DEBOUNCE * 4);
    await eventually(() => expect(t.types()).toEqual(['alarm.triggered', 'alarm.restored']));
    expect(t.events[0]!.data).toMatchObject({ zone: 'east-gate', input: 'panic', pin: 17, mode: '24h', armed: false });
  });

  // [contact, activeLow, wire level at rest, wire level in alarm]
  it.each([
    ['NO', true, 1, 0],
    ['NO', false, 0, 1],
    ['NC', true, 0, 1],
    ['NC', false, 1, 0],
  ] as const)('%s contact, activeLow %s: rests at %s and alarms at %s', async (contact, activeLow, rest, alarm) => {
    const sim = new SimulatedGpio();
    sim.pin(17).set(rest as Level);
    const t = await input({ contact, activeLow, kind: 'door-contact', mode: '24h' }, { sim });
    await sleep(DEBOUNCE * 2);
    expect(t.types()).toEqual([]);
    t.pin.set(alarm as Level);
    await eventually(() => expect(t.types()).toEqual(['alarm.triggered']));
    t.pin.set(rest as Level);
    await eventually(() => expect(t.types()).toEqual(['alarm.triggered', 'alarm.restored']));
    expect(t.states.at(-1)).toEqual({ online: true, state: { active: false, alarm: false, fault: null } });
  });

  it('turns a chattering contact into one device.fault, stays quiet, and clears when it settles', async () => {
    const t = await input({ kind: 'door-contact', mode: '24h', activeLow: false, chatter: { transitions: 6, windowSec: 0.4 } });
    for (let i = 0; i < 20; i++) {
      t.pin.set(i % 2 === 0 ? 1 : 0);
      await sleep(DEBOUNCE * 2);
    }
    await sleep(DEBOUNCE * 2);
    // The sixth change within the window is the fault; the fourteen after it are not reported.
    expect(t.types()).toEqual(['alarm.triggered', 'alarm.restored', 'alarm.triggered', 'alarm.restored', 'alarm.triggered', 'device.fault']);
    expect(t.events[5]!.data).toEqual({ fault: 'chatter', pin: 17, transitions: 6, windowSec: 0.4 });
    expect(t.states.at(-1)?.state).toMatchObject({ fault: 'chatter' });
    // Quiet for the window again: the fault clears and the input, at rest now, restores its alarm.
    await eventually(() => expect(t.types().slice(6)).toEqual(['device.fault.cleared', 'alarm.restored']), 2000);
  });

  it('fires a 24h input while its zone is disarmed; an armable one only once armed', async () => {
    const sim = new SimulatedGpio();
    const zones = new FakeZones();
    sim.pin(17).set(1);
    sim.pin(18).set(1);
    const panic = await input({ pin: 17 }, { sim, zones });
    const door = await input({ pin: 18, kind: 'door-contact' }, { sim, zones });
    expect(door.driver.health()).toEqual({ status: 'ok', online: true });
    panic.pin.set(0);
    door.pin.set(0);
    await eventually(() => expect(panic.types()).toEqual(['alarm.triggered']));
    expect(panic.events[0]!.data).toMatchObject({ armed: false, mode: '24h' });
    await sleep(DEBOUNCE * 3);
    expect(door.types()).toEqual([]); // disarmed: an opened door is no alarm
    door.pin.set(1);
    zones.set('east-gate', true);
    await sleep(DEBOUNCE * 2);
    door.pin.set(0);
    await eventually(() => expect(door.types()).toEqual(['alarm.triggered']));
    expect(door.events[0]!.data).toMatchObject({ input: 'door-contact', armed: true, mode: 'armable' });
  });

  it('waits out the entry delay while armed, and raises nothing when disarmed within it', async () => {
    const zones = new FakeZones();
    zones.set('east-gate', true);
    const t = await input({ kind: 'door-contact', activeLow: false, entryDelaySec: 0.15 }, { zones });
    t.pin.set(1);
    await sleep(100);
    expect(t.types()).toEqual([]);
    await eventually(() => expect(t.types()).toEqual(['alarm.triggered']));
    expect(t.events[0]!.data).toMatchObject({ entryDelaySec: 0.15 });
    t.pin.set(0);
    await eventually(() => expect(t.types()).toEqual(['alarm.triggered', 'alarm.restored']));
    t.pin.set(1);
    await sleep(60);
    zones.set('east-gate', false); // the resident reached the keypad in time
    await sleep(200);
    expect(t.types()).toHaveLength(2);
  });

  it('reads an NC loop open for longer than cutAfterSec as a cut wire: tamper, armed or not', async () => {
    const t = await input({ kind: 'pir', contact: 'NC', activeLow: true, cutAfterSec: 0.2 });
    expect(t.types()).toEqual([]); // the pin starts low: the NC loop is closed
    t.pin.set(1); // loop open: a PIR's output opens for seconds, a cut stays open
    await sleep(120);
    expect(t.types()).toEqual([]);
    await eventually(() => expect(t.types()).toEqual(['alarm.triggered']));
    expect(t.events[0]!.data).toMatchObject({ input: 'tamper', source: 'pir', reason: 'nc-loop-open', openSec: 0.2, armed: false });
    t.pin.set(0);
    await eventually(() => expect(t.types()).toEqual(['alarm.triggered', 'alarm.restored']));
    expect(t.events[1]!.data).toMatchObject({ input: 'tamper', source: 'pir' });
  });

  it('reports mains lost and restored from a UPS board, always armed', async () => {
    const t = await input({ kind: 'power-fail', activeLow: false });
    t.pin.set(1);
    await eventually(() => expect(t.events.map((e) => [e.type, e.data.mains])).toEqual([['alarm.triggered', 'lost']]));
    t.pin.set(0);
    await eventually(() => expect(t.events.map((e) => [e.type, e.data.mains])).toEqual([['alarm.triggered', 'lost'], ['alarm.restored', 'restored']]));
  });

  it('reports an active input at start as a present condition', async () => {
    const sim = new SimulatedGpio();
    sim.pin(17).set(0); // the panic button is held (or latched) while the gateway starts
    const t = await input({}, { sim });
    expect(t.types()).toEqual(['alarm.triggered']);
  });

  it('stays degraded, saying why, when its pin cannot be reached', async () => {
    const t = await input({}, { gpio: unavailableGpio('no GPIO backend can reach the pins (test)') });
    expect(t.driver.health()).toMatchObject({ status: 'degraded', online: false, detail: 'GPIO 17: no GPIO backend can reach the pins (test)' });
    expect(t.events).toEqual([{ type: 'device.fault', data: { fault: 'gpio-unavailable', pin: 17, message: 'GPIO 17: no GPIO backend can reach the pins (test)' } }]);
    expect(t.logs.has('gpio input unavailable; device degraded')).toBe(true);
  });
});

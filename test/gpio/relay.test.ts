/** The relay driver on simulated pins: on/off/pulse, pulses that only extend, and the maximum on-time. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Driver } from '../../device-drivers/driver.js';
import { monoNow } from '../../device-drivers/gpio/gpio.js';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { createRelay } from '../../device-drivers/relay/relay.js';
import { relaySchema } from '../../device-drivers/relay/config.js';
import { recordingContext } from './support/driver-context.js';
import { eventually, sleep } from './support/wait.js';

let running: Driver[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
});

async function relay(fields: Record<string, unknown> = {}) {
  const sim = new SimulatedGpio();
  const device = relaySchema.parse({ id: 'siren-1', driver: 'relay', pin: 27, ...fields });
  const rec = recordingContext(device, { gpio: sim.gpio });
  const driver = createRelay(rec.ctx);
  await driver.start();
  running.push(driver);
  const act = (name: string, params: Record<string, unknown> = {}) => (driver.handleAction as NonNullable<Driver['handleAction']>)({ name, params });
  return { ...rec, driver, pin: sim.pin(27), act };
}

const msSince = (ns: bigint) => Number(monoNow() - ns) / 1e6;

describe('relay', () => {
  it('switches on and off through an active-low board, mirroring its state', async () => {
    const r = await relay({ activeLow: true });
    expect(r.pin.level).toBe(1); // off on an active-low board from the first instant
    await r.act('on');
    expect(r.pin.level).toBe(0);
    expect(r.states.at(-1)).toEqual({ online: true, state: { on: true, until: null } });
    await r.act('off');
    expect(r.pin.level).toBe(1);
    expect(r.states.at(-1)).toEqual({ online: true, state: { on: false, until: null } });
    await expect(r.act('toggle')).rejects.toThrow(/relay "siren-1" takes the actions on, off and pulse, not "toggle"/);
    await expect(r.act('pulse', { ms: -5 })).rejects.toThrow(/pulse needs params.ms > 0/);
  });

  it('ends a pulse on time; a shorter pulse meanwhile does not cut it short, and `on` outlasts it', async () => {
    const r = await relay();
    const started = monoNow();
    await r.act('pulse', { ms: 200 });
    expect(r.pin.level).toBe(1);
    expect(r.states.at(-1)?.state).toMatchObject({ on: true, until: expect.stringMatching(/^\d{4}-/) });
    await r.act('pulse', { ms: 50 });
    await sleep(120);
    expect(r.pin.level).toBe(1);
    await r.pin.waitFor(0, 1000);
    expect(msSince(started)).toBeGreaterThanOrEqual(195);
    await r.act('pulse', { ms: 50 });
    await r.act('on');
    await sleep(100);
    expect(r.pin.level).toBe(1);
  });

  it('forces the relay off at maxOnSec and reports it', async () => {
    const r = await relay({ maxOnSec: 0.2 });
    const on = monoNow();
    await r.act('on');
    const off = await r.pin.waitFor(0, 2000);
    expect(Number(off - on) / 1e6).toBeGreaterThanOrEqual(195);
    expect(Number(off - on) / 1e6).toBeLessThan(600);
    await eventually(() => expect(r.types()).toEqual(['relay.forced-off']));
    expect(r.events[0]!.data).toMatchObject({ reason: 'max-on-time', maxOnSec: 0.2, onForMs: expect.any(Number) });
    expect(r.events[0]!.data.onForMs as number).toBeGreaterThanOrEqual(190);
    expect(r.states.at(-1)).toEqual({ online: true, state: { on: false, until: null } });
    expect(r.logs.has('relay forced off at its maximum on-time')).toBe(true);
    // A pulse longer than the maximum is cut at the maximum too.
    await r.act('pulse', { ms: 5000 });
    await r.pin.waitFor(0, 2000);
    await eventually(() => expect(r.types()).toEqual(['relay.forced-off', 'relay.forced-off']));
  });

  it('switches off when the gateway stops', async () => {
    const r = await relay();
    await r.act('on');
    await r.driver.stop();
    running = [];
    expect(r.pin.level).toBe(0);
    expect(r.pin.mode).toBe('free');
  });
});

/**
 * Electronic patrol on a real gateway (issue 10 item 8): a route at 22:00 and 02:00 over a card
 * reader (a guard's swipe, as the access core records it), a GPIO button (an alarm-input on simulated
 * GPIO) and the reader again. A run completed in time; a run with a checkpoint missed (major) and the
 * next leg counted from its deadline; a checkpoint passed over; a restart mid-route that carries on with
 * the same run; a run that fell entirely while the gateway was off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { TownshipProbe } from '../support/township.js';
import { at, handClock, received, startVillage, waitForEvents, type Village } from './support.js';

const GW = '370283104-patrol-01';
const READER = { id: 'reader-gate', password: 'reader-secret-9', category: 'access' };
const BUTTON_PIN = 5;
const button = { id: 'button-well', driver: 'alarm-input', zone: 'patrol-points', pin: BUTTON_PIN, kind: 'pir', mode: '24h', activeLow: false, debounceMs: 10, category: 'patrol', severity: { types: { 'alarm.triggered': 'info' } } };
const patrol = {
  checkEverySec: 0.05,
  checkpoints: [
    { name: 'gate', device: READER.id },
    { name: 'well', device: button.id, type: 'alarm.triggered' },
  ],
  routes: [
    {
      name: 'night',
      starts: ['22:00', '02:00'],
      guardLists: ['guards'],
      checkpoints: [
        { checkpoint: 'gate', withinMin: 10 },
        { checkpoint: 'well', withinMin: 15 },
        { checkpoint: 'gate', withinMin: 10 },
      ],
    },
  ],
};

describe('electronic patrol', () => {
  const township = new EmbeddedBroker();
  const clock = handClock(at(23, 21, 59));
  const sim = new SimulatedGpio();
  let probe: TownshipProbe;
  let v: Village;

  const start = async (dataDir?: string) => {
    v = await startVillage({ uplinkUrl: township.url, gatewayId: GW, clock, sim, lan: [READER], devices: [button], override: { patrol, zones: [{ name: 'patrol-points' }] }, ...(dataDir ? { dataDir } : {}) });
  };
  const swipe = (time: number, person = 'guard-li', lists = ['staff', 'guards']) => {
    clock.set(time);
    return v.gateway.testApi.emit({ device: READER.id, category: 'access', type: 'access.denied', data: { door: 'gate-east', reader: READER.id, person, lists, reason: 'door-not-allowed', credential: { method: 'card', hash: '77aa'.repeat(16), last2: '15' } } });
  };
  const press = async (time: number) => {
    clock.set(time);
    await sim.pin(BUTTON_PIN).pulse(1, 60);
  };
  const checks = (run: string) => received(probe, 'patrol.checked').filter((e) => e.data.run === run);

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-patrol', 4);
    sim.pin(BUTTON_PIN).set(0);
    await start();
  });
  afterAll(async () => {
    await v?.gateway.stop();
    await probe?.close();
    await township.stop();
  });

  it('completes a run whose checkpoints are reached in time, in order; other persons do not count', async () => {
    clock.set(at(23, 22, 0));
    const [started] = await waitForEvents(probe, 'patrol.started', 1);
    expect(started).toMatchObject({ device: GW, category: 'patrol', severity: 'info', data: { route: 'night', scheduledAt: '2026-11-23T22:00:00.000+08:00', checkpoints: ['gate', 'well', 'gate'] } });
    const run = started!.data.run as string;
    await swipe(at(23, 22, 3), 'r-0102', ['resident']); // a resident at the checkpoint reader, not a guard
    await swipe(at(23, 22, 5));
    await press(at(23, 22, 15));
    await waitForEvents(probe, 'patrol.checked', 2);
    await swipe(at(23, 22, 20));
    const [completed] = await waitForEvents(probe, 'patrol.completed', 1);
    expect(checks(run).map((e) => [e.device, e.data.checkpoint, e.data.index, e.data.guard, e.data.elapsedSec])).toEqual([
      [READER.id, 'gate', 0, 'guard-li', 300],
      [button.id, 'well', 1, undefined, 600],
      [READER.id, 'gate', 2, 'guard-li', 300],
    ]);
    expect(checks(run)[1]).toMatchObject({ category: 'patrol', data: { via: 'alarm.triggered', left: 1 } });
    expect(completed).toMatchObject({ device: GW, category: 'patrol', data: { route: 'night', run, checked: 3, missed: 0 } });
    expect(completed!.seq).toBeGreaterThan(checks(run)[2]!.seq);
    expect(received(probe, 'patrol.missed')).toEqual([]);
  });

  it('reports a checkpoint not reached in time as patrol.missed (major) and counts the next leg from its deadline', async () => {
    clock.set(at(24, 2, 0));
    const run = (await waitForEvents(probe, 'patrol.started', 2))[1]!.data.run as string;
    await swipe(at(24, 2, 3));
    await waitForEvents(probe, 'patrol.checked', 4);
    clock.set(at(24, 2, 18, 1)); // the well was due by 02:18
    const [missed] = await waitForEvents(probe, 'patrol.missed', 1);
    expect(missed).toMatchObject({ device: button.id, category: 'patrol', severity: 'major', data: { route: 'night', run, checkpoint: 'well', index: 1, dueBy: '2026-11-24T02:18:00.000+08:00', reason: 'late' } });
    await swipe(at(24, 2, 25)); // 7 min after the missed deadline, within the 10 allowed
    const completed = (await waitForEvents(probe, 'patrol.completed', 2))[1];
    expect(checks(run).map((e) => [e.data.index, e.data.elapsedSec])).toEqual([[0, 180], [2, 420]]);
    expect(completed).toMatchObject({ data: { run, checked: 2, missed: 1 } });
  });

  it('carries on with the same run after a restart mid-route', async () => {
    clock.set(at(24, 22, 0));
    const run = (await waitForEvents(probe, 'patrol.started', 3))[2]!.data.run as string;
    await swipe(at(24, 22, 2));
    await probe.waitFor(() => checks(run).length === 1, 10_000, 'first check of the run');
    await v.gateway.stop();
    clock.set(at(24, 22, 10));
    await start(v.dataDir);
    await press(at(24, 22, 12));
    await probe.waitFor(() => checks(run).length === 2, 10_000, 'the well checked after the restart');
    clock.set(at(24, 22, 23)); // the gate was due by 22:22
    await waitForEvents(probe, 'patrol.completed', 3);
    expect(checks(run).map((e) => [e.data.checkpoint, e.data.index, e.data.elapsedSec])).toEqual([['gate', 0, 120], ['well', 1, 600]]);
    expect(received(probe, 'patrol.missed').at(-1)).toMatchObject({ data: { run, checkpoint: 'gate', index: 2, reason: 'late' } });
    expect(received(probe, 'patrol.completed').at(-1)).toMatchObject({ data: { run, checked: 2, missed: 1 } });
    expect(received(probe, 'patrol.started')).toHaveLength(3); // 22:00 was not begun a second time
  });

  it('misses a checkpoint passed over at once, and reports a run that fell while the gateway was off', async () => {
    clock.set(at(25, 2, 0));
    const run = (await waitForEvents(probe, 'patrol.started', 4))[3]!.data.run as string;
    await swipe(at(25, 2, 1));
    await swipe(at(25, 2, 5)); // the gate again: the well in between was passed over
    await waitForEvents(probe, 'patrol.completed', 4);
    expect(received(probe, 'patrol.missed').at(-1)).toMatchObject({ data: { run, checkpoint: 'well', index: 1, reason: 'skipped', dueBy: '2026-11-25T02:16:00.000+08:00' } });
    expect(checks(run).map((e) => [e.data.index, e.data.elapsedSec])).toEqual([[0, 60], [2, 240]]);
    expect(received(probe, 'patrol.completed').at(-1)).toMatchObject({ data: { run, checked: 2, missed: 1 } });

    await v.gateway.stop();
    clock.set(at(25, 23, 0)); // off over 22:00-22:35
    await start(v.dataDir);
    const [skipped] = await waitForEvents(probe, 'patrol.skipped', 1);
    expect(skipped).toMatchObject({ device: GW, category: 'patrol', severity: 'minor', data: { route: 'night', scheduledAt: '2026-11-25T22:00:00.000+08:00', reason: 'gateway-off' } });
    expect(received(probe, 'patrol.started')).toHaveLength(4);
    expect(probe.invalid).toEqual([]);
  });
});

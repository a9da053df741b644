/**
 * The queue outlives the gateway process: a notice scheduled an hour ahead and a notice repeated
 * hourly both play on time after a restart (the clock is moved by hand, so hours take milliseconds),
 * and an outcome a crash kept from the outbox is replied at the next start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../cloud-bridge/db.js';
import { BroadcastStore } from '../../gateway/broadcast/store.js';
import { isoLocal } from '../../gateway/kernel/clock.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { TownshipProbe } from '../support/township.js';
import { Operator, broadcastEvents, fakeClock, outcome, replies, simulatedHardware, startVillage, type Village } from './support.js';

const GW = '370283104-bc-restart';
const HOUR = 3600_000;

describe('broadcast queue across restarts', () => {
  const township = new EmbeddedBroker();
  const clock = fakeClock();
  const hardware = simulatedHardware();
  let probe: TownshipProbe;
  let op: Operator;
  let v: Village;

  const start = async (dataDir?: string) => {
    v = await startVillage({ uplinkUrl: township.url, gatewayId: GW, clock, hardware, dataDir });
    await probe.waitFor(() => v.gateway.inspect().commandsReady, 10_000, 'command subscription');
  };
  const restart = async () => {
    await v.gateway.stop();
    await start(v.dataDir);
  };
  const heard = (label: string) => hardware.audio.plays.filter((p) => p.label === label && p.completed).length;

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-restart', 4);
    op = await Operator.connect(township.url);
    await start();
  });
  afterAll(async () => {
    await v?.gateway.stop();
    await op?.close();
    await probe?.close();
    await township.stop();
  });

  it('plays a scheduled notice at its time after a restart, not before', async () => {
    const id = await op.send('broadcast', GW, { text: '明早七点接种疫苗', at: isoLocal(clock.now() + HOUR) }, { now: clock.now(), lifetimeMs: 2 * HOUR });
    await probe.waitFor(() => replies(probe, id).length === 1, 5000, 'accepted');
    await restart();
    await new Promise((r) => setTimeout(r, 1200)); // over a second of the scheduler's looking
    expect(heard('text:明早七点接种疫苗')).toBe(0);
    clock.advance(HOUR);
    expect((await outcome(probe, id)).map((r) => r.status)).toEqual(['accepted', 'done']);
    expect(heard('text:明早七点接种疫苗')).toBe(1);
  });

  it('keeps repeating a notice hourly across a restart, three plays in all', async () => {
    const label = 'text:防汛期间请勿到河边游泳';
    const id = await op.send('broadcast', GW, { text: '防汛期间请勿到河边游泳', repeat: 3, interval: 3600 }, { now: clock.now(), lifetimeMs: 3 * HOUR });
    // A play is over for the queue once its `broadcast.finished` is out: the next one is scheduled an
    // interval after that moment, so the clock may only be moved on then (moved as soon as the sound
    // ended, it would push the next play an hour later still — the flake of the first runs).
    const finished = (n: number) => heard(label) === n && broadcastEvents(probe, id).filter((t) => t === 'broadcast.finished').length === n;
    await probe.waitFor(() => finished(1), 5000, 'first play finished');
    await restart();
    for (const n of [2, 3]) {
      clock.advance(HOUR);
      await probe.waitFor(() => finished(n), 5000, `play ${n} finished`);
    }
    expect((await outcome(probe, id)).map((r) => r.status)).toEqual(['accepted', 'done']);
    expect(broadcastEvents(probe, id).filter((t) => t === 'broadcast.finished')).toHaveLength(3);
    expect(heard(label)).toBe(3);
  });

  it('replies, at the next start, for a notice that ended just before a crash', async () => {
    await v.gateway.stop();
    const db = openDb(v.dataDir);
    const store = new BroadcastStore(db);
    const id = '0193c0e4-1f20-7b7a-8d3e-2a9f6c1b7e05';
    const now = clock.now();
    store.insert({ id, priority: 'normal', content: { sound: 'chime' }, volume: null, speakers: null, plays: 1, played: 0, intervalMs: 0, due: now, expires: now + HOUR, received: now, by: 'test-operator' });
    store.end(id, 'failed', 0, { code: 'playback', message: 'aplay exited with code 1' });
    db.close();
    await start(v.dataDir);
    const [reply] = await outcome(probe, id);
    expect(reply).toMatchObject({ status: 'failed', error: { code: 'playback' } });
    expect(probe.invalid).toEqual([]);
  });
});

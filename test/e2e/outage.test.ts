/**
 * The township broker (a real Mosquitto) goes down while four devices publish 5,000 QoS 1 events;
 * after it returns every event arrives: unique ids, no seq gap, critical ones first in the drain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceClient, publishBurst } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';

const DEVICES = [0, 1, 2, 3].map((i) => ({ id: `sensor-${i}`, password: `sensor-pass-${i}`, category: 'alarm' }));
const PER_DEVICE = 1250;

describe.runIf(requireTools('mosquitto'))('uplink outage with a real Mosquitto', () => {
  const broker = new Mosquitto({ persistence: true });
  let fx: Fixture;
  let probe: TownshipProbe;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-outage');
    fx = await startFixture({ uplinkUrl: broker.url, devices: DEVICES, uplink: { inflightWindow: 200 } });
    await probe.waitFor(() => probe.messages.some((m) => m.topic.endsWith('/status')), 10_000, 'birth');
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await probe?.close();
    await broker.stop();
  });

  it('loses nothing, leaves no seq gap and drains critical first', async () => {
    await broker.stop();
    const clients = await Promise.all(DEVICES.map((d) => deviceClient(fx.gateway.localPort, d.id, d.password)));
    // Every 50th event is a panic press (critical); the rest are info.
    const acked = await Promise.all(clients.map((c, k) => publishBurst(c, DEVICES[k]!.id, PER_DEVICE, (i) => ({ type: i % 50 === 0 ? 'panic.pressed' : 'door.opened', n: i }))));
    expect(acked.flat()).toHaveLength(4 * PER_DEVICE);
    expect(fx.gateway.inspect().backlog).toBeGreaterThanOrEqual(4 * PER_DEVICE);
    const before = probe.events.length;

    await broker.start();
    await probe.waitFor(() => fx.gateway.inspect().backlog === 0, 60_000, 'backlog drained');
    await probe.waitFor(() => probe.events.filter((e) => e.device.startsWith('sensor-') && e.type !== 'device.online').length >= 4 * PER_DEVICE, 30_000, 'all events at the township');
    await Promise.all(clients.map((c) => c.endAsync()));

    const got = probe.events.filter((e) => e.device.startsWith('sensor-') && (e.type === 'panic.pressed' || e.type === 'door.opened'));
    const keys = new Set(got.map((e) => `${e.device}/${e.data.n}`));
    expect(keys.size).toBe(4 * PER_DEVICE);
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length); // duplicates would share an id; none expected here

    const seqs = [...new Set(probe.events.map((e) => e.seq))].sort((a, b) => a - b);
    expect(seqs[seqs.length - 1]! - seqs[0]! + 1).toBe(seqs.length); // no gap

    const drained = probe.events.slice(before);
    const criticals = drained.filter((e) => e.severity === 'critical').length;
    expect(criticals).toBe((4 * PER_DEVICE) / 50);
    expect(drained.slice(0, criticals).every((e) => e.severity === 'critical')).toBe(true);
    expect(probe.invalid).toEqual([]);
  });

  it('loses nothing when the township broker goes down in the middle of a drain', async () => {
    const clients = await Promise.all(DEVICES.map((d) => deviceClient(fx.gateway.localPort, d.id, d.password)));
    const bursts = clients.map((c, k) => publishBurst(c, DEVICES[k]!.id, 1000, (i) => ({ type: 'door.forced', n: i }), 50));
    await new Promise((r) => setTimeout(r, 150));
    await broker.stop(); // mid-stream: messages are in flight on the uplink
    await new Promise((r) => setTimeout(r, 300));
    await broker.start();
    const acked = await Promise.all(bursts);
    expect(acked.flat()).toHaveLength(4000);
    await probe.waitFor(() => new Set(probe.events.filter((e) => e.type === 'door.forced').map((e) => `${e.device}/${e.data.n}`)).size === 4000, 30_000, 'all 4000 events');
    await Promise.all(clients.map((c) => c.endAsync()));
    expect(probe.invalid).toEqual([]);
  });
});

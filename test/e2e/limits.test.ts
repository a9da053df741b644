/**
 * Limits, with the township on an embedded aedes: a full outbox evicts with a report that explains
 * every gap; a full disk refuses events (no PUBACK) until space returns, and then nothing is missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { TownshipProbe } from '../support/township.js';

describe('outbox limits end to end', () => {
  let township: EmbeddedBroker;
  let fx: Fixture | undefined;
  let probe: TownshipProbe | undefined;

  afterEach(async () => {
    await fx?.gateway.stop();
    await probe?.close();
    await township?.stop();
  });

  it('evicts over the cap, reports ranges that explain every missing seq, and keeps the criticals', async () => {
    township = new EmbeddedBroker();
    await township.start();
    fx = await startFixture({ uplinkUrl: township.url, uplink: { protocolVersion: 4 }, override: { outbox: { maxRows: 100, maxBytes: 10_000_000 } } });
    await township.stop();
    const dev = await deviceClient(fx.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    const acked = await publishBurst(dev, 'panic-east-gate', 300, (i) => ({ type: i % 30 === 0 ? 'panic.pressed' : 'door.opened', n: i }), 10);
    expect(acked).toHaveLength(300);
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-evict', 4);
    await probe.waitFor(() => fx!.gateway.inspect().backlog === 0, 10_000, 'drain');
    await dev.endAsync();
    await new Promise((r) => setTimeout(r, 200));

    const reports = probe.events.filter((e) => e.type === 'system.outbox.evicted');
    expect(reports.length).toBeGreaterThan(0);
    const evictedSeqs = new Set<number>();
    for (const r of reports) for (const [from, to] of r.data.ranges as [number, number][]) for (let s = from; s <= to; s++) evictedSeqs.add(s);
    expect(reports.reduce((n, r) => n + (r.data.count as number), 0)).toBe(evictedSeqs.size);
    expect(fx.gateway.inspect().evicted).toBe(evictedSeqs.size);
    const received = new Set(probe.events.map((e) => e.seq));
    const max = Math.max(...received);
    const unexplained = [];
    for (let s = 1; s <= max; s++) if (!received.has(s) && !evictedSeqs.has(s)) unexplained.push(s);
    // Seqs before the probe subscribed (birth-time events) were delivered to nobody; all came after seq 3.
    expect(unexplained.filter((s) => s > 3)).toEqual([]);
    const criticals = probe.events.filter((e) => e.type === 'panic.pressed').map((e) => e.data.n);
    expect(criticals.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 10 }, (_, i) => i * 30));
    expect(probe.invalid).toEqual([]);
  });

  it('refuses events while the disk is full, without acknowledging them, and loses none', async () => {
    township = new EmbeddedBroker();
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-full', 4);
    fx = await startFixture({ uplinkUrl: township.url, uplink: { protocolVersion: 4 } });
    const db = fx.gateway.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    // PUBACKs are counted on the wire: mqtt.js's own promise bookkeeping is not the gateway's word.
    const dev = await deviceClient(fx.gateway.localPort, 'door-west', 'door-secret-22');
    let pubacks = 0;
    dev.on('packetreceive', (p) => void (p.cmd === 'puback' && pubacks++));
    const body = (i: number) => JSON.stringify({ type: 'door.opened', n: i, pad: 'p'.repeat(3000) });
    for (let i = 0; i < 20; i++) dev.publish('dev/door-west/event', body(i), { qos: 1 }, () => {});
    await new Promise((r) => setTimeout(r, 700));
    expect(pubacks).toBe(0); // nothing acknowledged while it cannot be stored
    expect(fx.logs.has('outbox commit failed; devices were not acknowledged and will resend')).toBe(true);
    expect(fx.gateway.inspect().backlog).toBe(0);
    dev.end(true);
    db.pragma('max_page_count = 1073741823'); // space is back: the device sends what was never acknowledged
    const again = await deviceClient(fx.gateway.localPort, 'door-west', 'door-secret-22');
    for (let i = 0; i < 20; i++) await again.publishAsync('dev/door-west/event', body(i), { qos: 1 });
    await probe.waitFor(() => new Set(probe!.events.filter((e) => e.type === 'door.opened').map((e) => e.data.n)).size === 20, 10_000, 'all 20 events');
    expect(probe.events.filter((e) => e.type === 'door.opened')).toHaveLength(20);
    await again.endAsync();
  });
});

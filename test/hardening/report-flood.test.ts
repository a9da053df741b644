/**
 * Issue 8, finding 4: rejections are aggregated per type + reason per interval and their share of the
 * outbox is bounded, so a flood of refused logins with distinct usernames during an outage (small
 * outbox, maxRows 100) cannot evict the 50 genuine `door.opened` events — unit-level with a real Outbox
 * on SQLite, and end to end with real bad logins over mqtt.js against a gateway whose uplink is down.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../cloud-bridge/db.js';
import { Outbox } from '../../cloud-bridge/outbox.js';
import { townshipTopics } from '../../gateway/kernel/topics.js';
import { systemClock } from '../../gateway/kernel/clock.js';
import { parseConfig } from '../../gateway/config/load.js';
import { Pipeline } from '../../gateway/pipeline.js';
import { holdAtRowsFor, RejectionReports } from '../../gateway/reports.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { TOWNSHIP, startFixture, type Fixture } from '../support/gateway-fixture.js';
import { freePort } from '../support/ports.js';
import { TownshipProbe } from '../support/township.js';

const GW = '370283104-flood-01';
const quiet = pino({ level: 'silent' });

/** What the outbox holds, by event type (events and reports only). */
function stored(db: Db): { types: Map<string, number>; authReports: { count: number; samples?: unknown[] }[] } {
  const types = new Map<string, number>();
  const authReports: { count: number; samples?: unknown[] }[] = [];
  for (const row of db.prepare("SELECT payload FROM outbox WHERE kind IN ('event', 'report')").pluck().all() as Buffer[]) {
    const e = JSON.parse(row.toString('utf8')) as { type: string; data: { count: number; samples?: unknown[] } };
    types.set(e.type, (types.get(e.type) ?? 0) + 1);
    if (e.type === 'system.auth.failed') authReports.push(e.data);
  }
  return { types, authReports };
}

describe('a flood of rejections during an outage', () => {
  it('3,000 refused logins with distinct usernames (reports called directly): all 50 door events survive, reports stay few', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-flood-'));
    const config = parseConfig({ gateway: { id: GW, township: TOWNSHIP, dataDir, clockSyncedFile: '/' }, uplink: { url: 'mqtt://127.0.0.1:1' }, outbox: { maxRows: 100 } });
    const db = openDb(dataDir);
    let pipeline: Pipeline | null = null;
    const outbox = new Outbox(db, config.outbox, (seq, summary) => (pipeline as Pipeline).evictionReport(seq, summary), quiet);
    outbox.start();
    pipeline = new Pipeline({ config, outbox, clock: systemClock({ state: { synced: true } }), topics: townshipTopics({ township: TOWNSHIP, gateway: GW }), log: quiet });
    // As create-gateway wires it, with a short interval so the flood spans many of them.
    const reports = new RejectionReports(pipeline, quiet, { intervalMs: 20, maxPerMinute: 30, backlog: outbox, holdAtRows: holdAtRowsFor(config.outbox.maxRows) });
    const door = (n: number) => pipeline!.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { n } });
    const flood = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        reports.reject('system.auth.failed', 'minor', `intruder-${i}`, { username: `intruder-${i}`, reason: 'unknown-device' });
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5)); // the flood spans intervals and commits
      }
    };
    // Logins before, between and after the door events: reports stored early must not push them out later.
    await flood(0, 1000);
    for (let i = 0; i < 25; i++) await door(i);
    await flood(1000, 2000);
    for (let i = 25; i < 50; i++) await door(i);
    await flood(2000, 3000);
    reports.flush();
    await new Promise((r) => setImmediate(r));
    outbox.flush();
    const { types, authReports } = stored(db);
    expect(types.get('door.opened')).toBe(50);
    expect(outbox.evicted).toBe(0);
    expect(types.get('system.outbox.evicted')).toBeUndefined();
    // Bounded: reports stop once the backlog reaches holdAtRows (10 for maxRows 100).
    expect(authReports.length).toBeLessThanOrEqual(holdAtRowsFor(100));
    expect(authReports.every((r) => (r.samples?.length ?? 0) <= 5)).toBe(true);
    expect(reports.total).toBe(3000);
    console.log(`unit flood: ${authReports.length} auth reports stored for 3000 refused logins, ${types.get('door.opened')} of 50 door events kept, ${outbox.evicted} evicted`);
    db.close();
  });

  describe('end to end: 300 bad logins over mqtt.js while the township is unreachable', () => {
    let fx: Fixture;
    let township: EmbeddedBroker;
    let probe: TownshipProbe;
    afterAll(async () => {
      await fx?.gateway.stop();
      await probe?.close();
      await township?.stop();
    });

    it('keeps all 50 door events, stores a bounded number of reports, and reports every login once the link is back', async () => {
      const port = await freePort();
      fx = await startFixture({ uplinkUrl: `mqtt://127.0.0.1:${port}`, gatewayId: GW, uplink: { protocolVersion: 4 }, override: { outbox: { maxRows: 100 } } });
      const badLogins = async (from: number, to: number) => {
        for (let batch = from; batch < to; batch += 20) {
          await Promise.all(Array.from({ length: 20 }, (_, j) => deviceClient(fx.gateway.localPort, `intruder-${batch + j}`, 'guess').then((c) => c.end(true), () => undefined)));
        }
      };
      // The door logs in first: the intruders share its address (loopback), and after their failures the
      // LAN broker's throttle would refuse a new login from it (issue 8, #5) — not what this test is about.
      const door = await deviceClient(fx.gateway.localPort, 'door-west', 'door-secret-22');
      await badLogins(0, 100);
      expect(await publishBurst(door, 'door-west', 25, (i) => ({ type: 'door.opened', n: i }), 5)).toHaveLength(25);
      await badLogins(100, 200);
      expect(await publishBurst(door, 'door-west', 25, (i) => ({ type: 'door.opened', n: 25 + i }), 5)).toHaveLength(25);
      await badLogins(200, 300);
      await door.endAsync();
      const during = stored(fx.gateway.db);
      expect(during.types.get('door.opened')).toBe(50);
      expect(fx.gateway.inspect().evicted).toBe(0);
      expect(during.authReports.length).toBeLessThanOrEqual(holdAtRowsFor(100));
      expect(fx.gateway.inspect().rejections.bySubject.size).toBeLessThanOrEqual(1001);
      console.log(`e2e flood: ${during.authReports.length} auth reports stored for 300 refused logins, ${during.types.get('door.opened')} of 50 door events kept, outbox depth ${fx.gateway.inspect().backlog}`);

      // The link comes back: the door events arrive, and the held counts follow as aggregated reports.
      township = new EmbeddedBroker(port);
      await township.start();
      probe = await TownshipProbe.connect(township.url, 'probe-flood', 4);
      await probe.waitFor(() => new Set(probe.events.filter((e) => e.type === 'door.opened').map((e) => e.data.n)).size === 50, 20_000, 'all 50 door events after the outage');
      const logins = () => probe.events.filter((e) => e.type === 'system.auth.failed').reduce((n, e) => n + (e.data.count as number), 0);
      await probe.waitFor(() => logins() === 300, 20_000, 'reports counting all 300 refused logins');
      expect(probe.events.filter((e) => e.type === 'system.auth.failed').length).toBeLessThanOrEqual(holdAtRowsFor(100) + 2);
      expect(probe.invalid).toEqual([]);
    });
  });
});

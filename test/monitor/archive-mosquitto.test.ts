/**
 * The archiver against a real Mosquitto and real gateways: every event stored exactly once though a
 * gateway replays its backlog and sends some events twice; nothing lost while the archiver itself
 * restarts; and two archivers in one MQTT 5 shared subscription split the events, none lost or
 * stored twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveDb } from '../../provisioning/township/monitor/archive-db.js';
import { createMonitor, type MonitorConfig } from '../../provisioning/township/monitor/monitor.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { startFixture, TOWNSHIP, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { TownshipProbe } from '../support/township.js';
import { LinkCutter } from './link-cutter.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-archiver-'));
const G1 = '370283104-replay-01';
const G2 = '370283104-busy-02';
const silent = pino({ level: 'silent' });

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every archived event id with its (gateway, seq), read back from the files. */
function archived(...files: string[]): { id: string; key: string }[] {
  return files.flatMap((f) => {
    const db = ArchiveDb.openReadOnly(f);
    try {
      return db.query({ limit: 1_000_000 }).map((a) => ({ id: a.event.id, key: `${a.event.gateway}#${a.event.seq}` }));
    } finally {
      db.close();
    }
  });
}

describe.runIf(requireTools('mosquitto'))('archiver on Mosquitto', () => {
  const broker = new Mosquitto();
  let cutter: LinkCutter;
  let g1: Fixture;
  let g2: Fixture;
  let probe: TownshipProbe;
  const devices: MqttClient[] = [];
  const archiver = (file: string, clientId: string, share?: string): MonitorConfig => ({
    feed: { url: broker.url, clientId, protocolVersion: 5, scope: { township: TOWNSHIP, share } },
    filter: {},
    archive: { sqlite: join(dir, file) },
    settleMs: 1000,
  });
  const fileOf = (c: MonitorConfig): string => (c.archive as { sqlite: string }).sqlite;
  const sentIds = (gw: string) => new Set(probe.events.filter((e) => (e as { gateway?: string }).gateway === gw).map((e) => e.id));

  beforeAll(async () => {
    await broker.start();
    cutter = new LinkCutter(broker.port);
    await cutter.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-archiver');
  });

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.endAsync()));
    await Promise.all([g1?.gateway.stop(), g2?.gateway.stop()]);
    await probe?.close();
    await cutter?.stop();
    await broker.stop();
  });

  it('stores each event exactly once after a gateway replays its backlog, some of it twice, and across its own restart', async () => {
    const config = archiver('replay.db', 'archiver-replay');
    let monitor = createMonitor(config, silent);
    await monitor.start();
    cutter.mode = 'down';
    g1 = await startFixture({ uplinkUrl: cutter.url, gatewayId: G1 });
    const dev = await deviceClient(g1.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    devices.push(dev);
    await publishBurst(dev, 'panic-east-gate', 100, (i) => ({ type: i % 10 === 0 ? 'panic.pressed' : 'door.opened', n: i }), 20);
    expect(g1.gateway.inspect().backlog).toBeGreaterThanOrEqual(100);

    // The backlog goes out but its PUBACKs are lost: the gateway will send all of it again.
    cutter.mode = 'acks-lost';
    await until('the backlog archived once', () => (monitor.archive?.stored ?? 0) >= 102);
    expect(g1.gateway.inspect().backlog).toBeGreaterThanOrEqual(100);
    // The archiver is away while the replay and new events go out: its persistent session keeps them.
    await monitor.stop();
    cutter.mode = 'pass';
    cutter.reset();
    await publishBurst(dev, 'panic-east-gate', 10, (i) => ({ type: 'door.opened', n: 500 + i }), 10);
    await until('the replay and the new events acknowledged', () => g1.gateway.inspect().backlog === 0);
    monitor = createMonitor(config, silent);
    await monitor.start();
    await publishBurst(dev, 'panic-east-gate', 10, (i) => ({ type: 'door.opened', n: 1000 + i }), 10);
    const accepted = g1.gateway.inspect().accepted;
    await until('every accepted event archived', () => sentIds(G1).size === accepted && archived(fileOf(config)).length === accepted);
    await monitor.stop();

    const rows = archived(fileOf(config));
    expect(new Set(rows.map((r) => r.id))).toEqual(sentIds(G1));
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    const replayed = probe.events.filter((e) => (e as { gateway?: string }).gateway === G1).length - sentIds(G1).size;
    expect(replayed).toBeGreaterThanOrEqual(100);
  });

  it('splits the events between two archivers of one shared subscription: none lost, none stored twice', async () => {
    const [m1, m2] = [createMonitor(archiver('share-1.db', 'archiver-share-1', 'archivers'), silent), createMonitor(archiver('share-2.db', 'archiver-share-2', 'archivers'), silent)];
    await Promise.all([m1.start(), m2.start()]);
    g2 = await startFixture({ uplinkUrl: broker.url, gatewayId: G2 });
    const devs = await Promise.all(g2.devices.map((d) => deviceClient(g2.gateway.localPort, d.id, d.password)));
    devices.push(...devs);
    await Promise.all(devs.map((c, k) => publishBurst(c, g2.devices[k]!.id, 300, (i) => ({ type: 'door.opened', n: i }), 20)));
    const accepted = g2.gateway.inspect().accepted;
    await until('all delivered and archived', () => sentIds(G2).size === accepted && (m1.archive?.stored ?? 0) + (m2.archive?.stored ?? 0) >= accepted);
    const expected = sentIds(G2);
    await Promise.all([m1.stop(), m2.stop()]);

    const [one, two] = [archived(join(dir, 'share-1.db')), archived(join(dir, 'share-2.db'))];
    expect(one.length).toBeGreaterThan(expected.size / 4);
    expect(two.length).toBeGreaterThan(expected.size / 4);
    const ids = [...one, ...two].map((r) => r.id);
    expect(ids.length).toBe(expected.size);
    expect(new Set(ids)).toEqual(expected);
    // The shared members see only part of each gateway's seqs: they do not call that loss.
    expect(m1.model.gateways().find((g) => g.gateway === G2)?.gaps).toBeNull();
    expect(probe.invalid).toEqual([]);
  });
});

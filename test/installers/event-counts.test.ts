/**
 * Issue 12, item 6: the acceptance report's "last 24 h of events per category" comes from the daemon's
 * hourly counts, not from the outbox — with a working uplink every delivered event leaves the outbox at
 * once, so counting its rows showed ~0. A real `vgw run` child takes events of two categories over its
 * local broker, delivers all of them to a real Mosquitto, and `vgw report`'s JSON still shows each one,
 * the outbox empty. A clean stop writes the counts not yet flushed; a restart keeps them; counts older
 * than 400 days are pruned.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../cloud-bridge/db.js';
import { hourOf } from '../../gateway/event-counts.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { TownshipProbe } from '../support/township.js';
import { vgw } from '../support/vgw-cli.js';

const PANIC = { id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' };
const DOOR = { id: 'door-west', password: 'door-secret-22', category: 'door' };
const DAY_MS = 86_400_000;

describe.runIf(requireTools('mosquitto'))('hourly event counts for vgw report', () => {
  const township = new Mosquitto();
  let gw: GatewayProcess | null = null;
  afterAll(async () => {
    await gw?.stop();
    await township.stop();
  });

  const db = () => new Database(join((gw as GatewayProcess).dataDir, DB_FILE), { readonly: true });
  const read = <T>(sql: string): T => {
    const d = db();
    try {
      return d.prepare(sql).get() as T;
    } finally {
      d.close();
    }
  };
  const stored = (category: string) => read<{ n: number | null }>(`SELECT SUM(n) AS n FROM event_counts WHERE category = '${category}'`).n ?? 0;
  const eventRows = () => read<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'event'").n;
  const setFlushSec = (flushSec: number) => {
    const file = (gw as GatewayProcess).configFile;
    const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, stringify({ ...config, eventCounts: { flushSec } }));
  };
  const report = async (name: string) => {
    const html = join((gw as GatewayProcess).dataDir, `${name}.html`);
    const r = await vgw(['report', '--config', (gw as GatewayProcess).configFile, '--out', html, '--offline', '--lang', 'en']);
    expect(r.code, r.stderr).toBe(0);
    return { json: JSON.parse(readFileSync(html.replace(/\.html$/, '.json'), 'utf8')) as { eventsLast24h: Record<string, number>; eventsSince: string; backlog: { rows: number } }, html: readFileSync(html, 'utf8') };
  };
  const send = async (device: typeof PANIC, n: number, type: string) => {
    const client = await deviceClient((gw as GatewayProcess).localPort, device.id, device.password);
    const acked = await publishBurst(client, device.id, n, (i) => ({ type, n: i }), 10);
    await client.endAsync();
    expect(acked.length, `${device.id}: every event acknowledged`).toBe(n);
  };

  it('counts every delivered event per category, across a clean stop and a restart', async () => {
    await township.start();
    const probe = await TownshipProbe.connect(township.url);
    gw = await GatewayProcess.prepare({ uplinkUrl: township.url, devices: [PANIC, DOOR] });
    setFlushSec(0.5);
    await gw.start();

    await send(PANIC, 30, 'panic.pressed');
    await send(DOOR, 20, 'door.opened');
    const delivered = (category: string) => probe.events.filter((e) => e.category === category && e.device !== gw?.gatewayId).length;
    await probe.waitFor(() => delivered('alarm') === 30 && delivered('door') === 20, 30_000, 'the township to receive 30 alarm and 20 door events');
    await probe.waitFor(() => eventRows() === 0, 30_000, 'the outbox to hold no event (all delivered)');
    // The interval's flush, with the daemon still running.
    await probe.waitFor(() => stored('alarm') === 30 && stored('door') === 20, 30_000, 'the counts to be written (flushSec 0.5)');

    const first = await report('first');
    expect(first.json.backlog.rows).toBe(0);
    expect(first.json.eventsLast24h.alarm).toBe(30);
    expect(first.json.eventsLast24h.door).toBe(20);
    expect(first.json.eventsLast24h.system, 'system.started is counted too').toBeGreaterThanOrEqual(1);
    expect(Date.now() - Date.parse(first.json.eventsSince)).toBeGreaterThanOrEqual(DAY_MS);
    expect(Date.now() - Date.parse(first.json.eventsSince)).toBeLessThan(DAY_MS + 3_600_000);
    expect(first.html).toMatch(/<td>alarm<\/td><td>30<\/td>/);
    expect(first.html).toMatch(/<td>door<\/td><td>20<\/td>/);
    expect(first.html).toContain('delivered to the township or not');
    expect(await gw.stop()).toBe(0);

    // Counts too old to keep, and one just young enough, written while the daemon is stopped.
    const rw = new Database(join(gw.dataDir, DB_FILE));
    const add = rw.prepare("INSERT INTO event_counts (hour, category, severity, n) VALUES (?, 'access', 'info', ?)");
    add.run(hourOf(Date.now() - 401 * DAY_MS), 7);
    add.run(hourOf(Date.now() - 399 * DAY_MS), 3);
    rw.close();

    // An interval longer than the run: only the stop's flush writes these counts.
    setFlushSec(3600);
    await gw.start();
    await probe.waitFor(() => stored('access') === 3, 30_000, 'the start to prune counts older than 400 days');
    await send(PANIC, 5, 'panic.pressed');
    await probe.waitFor(() => delivered('alarm') === 35, 30_000, 'the township to receive 35 alarm events');
    expect(stored('alarm'), 'not yet written: the interval is an hour').toBe(30);
    expect(await gw.stop()).toBe(0);
    expect(stored('alarm'), 'written at the clean stop').toBe(35);

    const second = await report('second');
    expect(second.json.eventsLast24h.alarm).toBe(35);
    expect(second.json.eventsLast24h.door).toBe(20);
    expect(second.json.eventsLast24h.access, 'counts older than 24 h are not in the table').toBeUndefined();
    await probe.close();
  }, 90_000);
});

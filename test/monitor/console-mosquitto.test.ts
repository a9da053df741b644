/**
 * The console's model against a real Mosquitto and three real gateways: two in-process (one behind a
 * link that can fail), one a separate process that is killed with -9. What an operator must be able
 * to trust: offline shows within the keepalive, a redelivered event shows once, an eviction gap is
 * explained and a gap nobody reported is flagged.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../provisioning/township/monitor/monitor.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { startFixture, TOWNSHIP, type Fixture, uplinkView } from '../support/gateway-fixture.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { TownshipProbe } from '../support/township.js';
import { envelope, eventTopic } from './envelopes.js';
import { LinkCutter } from './link-cutter.js';

const A = '370283104-cut-01';
const B = '370283104-steady-02';
const C = '370283104-killed-03';
/** uplink.keepaliveSec of the test gateways (test/support/gateway-fixture.ts). */
const KEEPALIVE_MS = 5000;

async function until(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<number> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

describe.runIf(requireTools('mosquitto'))('monitor console model on Mosquitto', () => {
  const broker = new Mosquitto();
  let cutter: LinkCutter;
  let a: Fixture;
  let b: Fixture;
  let c: GatewayProcess;
  let monitor: Monitor;
  let probe: TownshipProbe;
  let devA: MqttClient;
  const row = (gw: string) => monitor.model.gateways().find((g) => g.gateway === gw);

  beforeAll(async () => {
    await broker.start();
    cutter = new LinkCutter(broker.port);
    await cutter.start();
    monitor = createMonitor({ feed: { url: broker.url, clientId: 'monitor-console-test', protocolVersion: 5, scope: { township: TOWNSHIP } }, filter: {}, settleMs: 1000 }, pino({ level: 'silent' }));
    await monitor.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-console');
    [a, b, c] = await Promise.all([
      startFixture({ uplinkUrl: cutter.url, gatewayId: A, override: { outbox: { maxRows: 100, maxBytes: 10_000_000 } } }),
      startFixture({ uplinkUrl: broker.url, gatewayId: B }),
      GatewayProcess.prepare({ uplinkUrl: broker.url, gatewayId: C, devices: [{ id: 'door-1', password: 'door-pass-1', category: 'door' }] }),
    ]);
    await c.start();
    devA = await deviceClient(a.gateway.localPort, 'door-west', 'door-secret-22');
  });

  afterAll(async () => {
    await devA?.endAsync();
    await Promise.all([a?.gateway.stop(), b?.gateway.stop(), c?.stop()]);
    await monitor?.stop();
    await probe?.close();
    await cutter?.stop();
    await broker.stop();
  });

  it('shows every gateway online, then one killed with -9 offline within the keepalive', async () => {
    await until('three gateways online', () => [A, B, C].every((g) => row(g)?.state === 'online'));
    expect(monitor.model.link).toBe('connected');
    await c.kill9();
    const ms = await until('the killed gateway offline', () => row(C)?.state === 'offline', KEEPALIVE_MS * 2);
    expect(ms).toBeLessThan(KEEPALIVE_MS);
    expect(row(C)).toMatchObject({ reason: 'lwt' });
    expect(row(B)?.state).toBe('online');
  });

  it('shows a gateway whose link silently dies offline once the broker\'s keepalive runs out, and back online', async () => {
    cutter.mode = 'blackhole';
    const ms = await until('the cut gateway offline', () => row(A)?.state === 'offline', KEEPALIVE_MS * 3);
    // The broker allows 1.5 × keepalive of silence [MQTT-3.1.2-24]; the model adds no delay of its own.
    expect(ms).toBeLessThan(KEEPALIVE_MS * 1.5 + 1500);
    expect(row(A)).toMatchObject({ reason: 'lwt' });
    // Meanwhile the village goes on: 300 events into an outbox capped at 100 rows.
    const acked = await publishBurst(devA, 'door-west', 300, (i) => ({ type: 'door.opened', n: i }), 20);
    expect(acked).toHaveLength(300);
    cutter.mode = 'pass';
    cutter.reset();
    await until('the cut gateway back online', () => row(A)?.state === 'online');
  });

  it('explains the eviction gap with the gateway\'s own report: nothing counted as lost', async () => {
    await until('the backlog drained', () => a.gateway.inspect().backlog === 0);
    const evicted = a.gateway.inspect().evicted;
    expect(evicted).toBeGreaterThan(150);
    // Every evicted seq is either an explained hole or arrived anyway (sent just before the link died,
    // its PUBACK lost): the two counts add up to the gateway's own, whatever the interleaving.
    const accounted = (): number => (row(A)?.gaps?.explained ?? 0) + (row(A)?.gaps?.evictedButArrived ?? 0);
    await until('every evicted seq accounted for, nothing pending', () => accounted() === evicted && row(A)?.gaps?.pending === 0);
    expect(row(A)?.gaps).toMatchObject({ unexplained: 0 });
    expect(row(A)?.gaps?.explained).toBeGreaterThanOrEqual(evicted - 5);
  });

  it('shows events a gateway sends twice (PUBACKs lost, sent again) once', async () => {
    const before = row(A)!.events;
    const uplink = uplinkView(a.gateway);
    const reconnects = uplink.reconnects;
    cutter.mode = 'acks-lost';
    cutter.reset();
    await until('the gateway reconnected', () => uplink.reconnects > reconnects && uplink.state === 'connected');
    await publishBurst(devA, 'door-west', 20, (i) => ({ type: 'door.opened', n: 1000 + i }), 20);
    await until('20 new events seen', () => row(A)!.events === before + 20);
    expect(a.gateway.inspect().backlog).toBeGreaterThanOrEqual(20); // none acknowledged
    cutter.mode = 'pass';
    cutter.reset();
    await until('the gateway sent them again', () => a.gateway.inspect().backlog === 0);
    await until('the duplicates dropped', () => row(A)!.duplicates >= 20);
    expect(row(A)!.events).toBe(before + 20);
    const shown = monitor.model.events(10_000).filter((r) => r.event.gateway === A && Number(r.event.data.n) >= 1000);
    expect(shown).toHaveLength(20);
    expect(new Set(shown.map((r) => r.event.data.n)).size).toBe(20);
    expect(probe.events.filter((e) => e.device === 'door-west' && Number(e.data.n) >= 1000).length).toBeGreaterThanOrEqual(40); // really sent twice
  });

  it('flags a gap nobody reported as lost, next to the explained one', async () => {
    const explained = row(A)!.gaps!.explained;
    const highest = Math.max(...probe.events.filter((e) => (e as { gateway?: string }).gateway === A).map((e) => e.seq));
    const forger: MqttClient = await connectAsync(broker.url, { protocolVersion: 5 });
    const forged = envelope(A, highest + 3);
    await forger.publishAsync(eventTopic(forged), JSON.stringify(forged), { qos: 1 });
    await forger.endAsync();
    await until('the artificial gap flagged', () => row(A)?.gaps?.unexplained === 2, 5000);
    expect(row(A)?.gaps).toMatchObject({ explained, pending: 0, unexplained: 2, unexplainedRanges: [[highest + 1, highest + 2]] });
    expect(row(B)?.gaps).toMatchObject({ unexplained: 0 });
    expect(probe.invalid).toEqual([]);
    expect(monitor.model.stats.invalid).toBe(0);
  });
});

/**
 * Issue 8, finding 4 — one device can flood: a device sent 10,500 events/s, all accepted, and another
 * device's p99 latency rose to 504 ms. Two flooders (QoS 1 with 100 in flight, and QoS 0 as fast as the
 * socket takes it) and one well-behaved device publishing every 50 ms, against a gateway child process.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { TownshipProbe } from '../support/township.js';

const FLOOD_Q1 = { id: 'sensor-flood', password: 'flood-secret-1', category: 'door' };
const FLOOD_Q0 = { id: 'sensor-flood-q0', password: 'flood-secret-0', category: 'door' };
const GOOD = { id: 'door-west', password: 'door-secret-22', category: 'door' };
const SECONDS = 4;

/** `p`, or a rejection naming what never came after `ms` (a PUBACK that never comes must fail the test, not hang it). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** QoS 1 publishes, `window` in flight, until `end`; resolves with the acknowledged `n`s. */
async function floodQos1(c: MqttClient, device: string, end: number, window = 100): Promise<number[]> {
  const acked: number[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && Date.now() < end) {
      const n = next++;
      try {
        // Held PUBACKs are the rate limit at work; one held past the test's end is counted as failed.
        await within(c.publishAsync(`dev/${device}/event`, JSON.stringify({ type: 'door.opened', n }), { qos: 1 }), Math.max(0, end - Date.now()) + 15_000, `flood PUBACK ${n}`);
        acked.push(n);
      } catch {
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return acked;
}

/** QoS 0 publishes as fast as the socket drains, until `end` or the gateway closes the connection. */
async function floodQos0(c: MqttClient, device: string, end: number): Promise<{ sent: number; closed: boolean }> {
  let closed = false;
  const onClose = new Promise<void>((r) => c.once('close', () => ((closed = true), r())));
  const stream = (c as unknown as { stream: NodeJS.WritableStream & { writableNeedDrain: boolean } }).stream;
  let sent = 0;
  while (!closed && Date.now() < end) {
    c.publish(`dev/${device}/event`, JSON.stringify({ type: 'door.opened', n: sent++ }), { qos: 0 });
    if (stream.writableNeedDrain) await Promise.race([new Promise((r) => stream.once('drain', r)), onClose]);
    else if (sent % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  return { sent, closed };
}

describe('one device flooding the LAN broker (gateway child process)', () => {
  const township = new EmbeddedBroker();
  let gw: GatewayProcess;
  let probe: TownshipProbe;

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-flood', 4);
    gw = await GatewayProcess.prepare({ uplinkUrl: township.url, uplink: { protocolVersion: 4 }, devices: [FLOOD_Q1, FLOOD_Q0, GOOD] });
    await gw.start();
  });
  afterAll(async () => {
    await gw?.stop();
    await probe?.close();
    await township.stop();
  });

  it('holds the flooders to their rate; the well-behaved device keeps low latency and loses nothing', async () => {
    const [q1, q0, good] = await Promise.all([FLOOD_Q1, FLOOD_Q0, GOOD].map((d) => deviceClient(gw.localPort, d.id, d.password)));
    const end = Date.now() + SECONDS * 1000;
    const floods = Promise.all([floodQos1(q1!, FLOOD_Q1.id, end), floodQos0(q0!, FLOOD_Q0.id, end)]);
    const latencies: number[] = [];
    for (let n = 0; Date.now() < end; n++) {
      const t0 = performance.now();
      await within(good!.publishAsync(`dev/${GOOD.id}/event`, JSON.stringify({ type: 'door.closed', n }), { qos: 1 }), 15_000, `PUBACK of the well-behaved device's event ${n}`);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    const [acked, q0Outcome] = await floods;
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? Infinity;
    console.log(`flood: QoS 1 flooder ${acked.length} acked in ${SECONDS} s, QoS 0 flooder handed mqtt.js ${q0Outcome.sent} (closed by the gateway: ${q0Outcome.closed}); well-behaved device ${latencies.length} events, p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`);

    // Every event of the well-behaved device arrives; so does every event a flooder had acknowledged.
    const arrived = (device: string, type: string) => new Set(probe.events.filter((e) => e.device === device && e.type === type).map((e) => e.data.n as number));
    await probe.waitFor(() => arrived(GOOD.id, 'door.closed').size === latencies.length, 20_000, 'every event of the well-behaved device');
    await probe.waitFor(() => acked.every((n) => arrived(FLOOD_Q1.id, 'door.opened').has(n)), 20_000, 'every acknowledged flood event');
    // Before the fix: p50 45 ms, p99 220 ms, half the events sent in the time. The bursts still allowed
    // (500 per flooder) cost the well-behaved device one slow PUBACK at the start, and this process also
    // runs the flooders, so on a loaded machine its own event loop can stall once for a second (seen in
    // test:repeat: p99 = max = 1,335 ms, p50 2.6 ms). p50 and p90 tell the fix apart; p99 is printed.
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(20);
    expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(200);
    // Burst 500 plus 100/s (default deviceRate), and slack for a loaded machine's timing.
    expect(acked.length).toBeLessThanOrEqual(500 + 100 * SECONDS + 200);
    expect(q0Outcome.closed).toBe(true);

    // Reported as `rate-limited`, aggregated: the first at once, the rest counted into one later report.
    const reports = (device: string) => probe.events.filter((e) => e.type === 'system.payload.rejected' && e.data.device === device && e.data.reason === 'rate-limited');
    await probe.waitFor(() => reports(FLOOD_Q1.id).length > 0 && reports(FLOOD_Q0.id).length > 0, 10_000, 'rate-limited reports of both flooders');
    expect(reports(FLOOD_Q1.id).length).toBeLessThanOrEqual(2);
    expect(reports(GOOD.id)).toEqual([]);
    expect(probe.invalid).toEqual([]);
    await Promise.all([q1, good].map((c) => c!.endAsync()));
    q0!.end(true);
  });
});

describe('publish rates by device, category and config', () => {
  const township = new EmbeddedBroker();
  let fx: Fixture;
  const devices = [
    { id: 'door-slow', password: 'slow-secret-1', category: 'door', rate: { perSec: 1, burst: 5 } },
    { id: 'door-plain', password: 'plain-secret-1', category: 'door' },
    { id: 'panic-gate', password: 'panic-secret-1', category: 'alarm' },
  ];

  beforeAll(async () => {
    await township.start();
    const configured = await Promise.all(devices.map(async ({ password, ...d }) => ({ ...d, driver: 'mqtt', passwordHash: await hashPassword(password) })));
    const localBroker = { host: '127.0.0.1', port: 0, rateHoldMs: 0, deviceRate: { perSec: 1, burst: 15 }, alarmRate: { perSec: 1, burst: 40 } };
    fx = await startFixture({ uplinkUrl: township.url, uplink: { protocolVersion: 4 }, devices, override: { localBroker, devices: configured } });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await township.stop();
  });

  /** Publishes QoS 1 one after another until the gateway closes the connection; the count acknowledged. */
  const acceptedBeforeClose = async (id: string, password: string, max: number): Promise<number> => {
    const c = await deviceClient(fx.gateway.localPort, id, password);
    let n = 0;
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    for (; n < max; n++) {
      const ok = await Promise.race([c.publishAsync(`dev/${id}/event`, JSON.stringify({ type: 'door.opened', n }), { qos: 1 }).then(() => true, () => false), closed.then(() => false)]);
      if (!ok) break;
    }
    c.end(true);
    return n;
  };

  it("applies a device's own rate, else its category's (alarm higher), and closes the connection beyond it with no hold", async () => {
    const [slow, plain, panic] = [await acceptedBeforeClose('door-slow', 'slow-secret-1', 100), await acceptedBeforeClose('door-plain', 'plain-secret-1', 100), await acceptedBeforeClose('panic-gate', 'panic-secret-1', 100)];
    // Bursts of 5, 15 and 40, plus what refilled at 1/s while they ran.
    expect(slow).toBeGreaterThanOrEqual(5);
    expect(slow).toBeLessThan(9);
    expect(plain).toBeGreaterThanOrEqual(15);
    expect(plain).toBeLessThan(20);
    expect(panic).toBeGreaterThanOrEqual(40);
    expect(panic).toBeLessThan(46);
    expect(fx.gateway.inspect().rejections.bySubject.get('door-slow')).toBeGreaterThanOrEqual(1);
  });
});

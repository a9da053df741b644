/**
 * Issue 8, finding 2 — retained messages bypassed the cap: for an over-cap payload or an unknown
 * subtopic `authorizePublish` answered `done(null)`, so aedes kept the message as retained (150 × 5 MB =
 * 753 MB handed back to a new subscriber). Now only `dev/{id}/state` and `dev/{id}/status` are kept,
 * one each, within the cap; anything else retained is refused (connection closed, nothing stored).
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { TownshipProbe } from '../support/township.js';
import { memoryOf, sampleRss, waitUntil } from './support/lan.js';

const DEVICE = { id: 'door-west', password: 'door-secret-22', category: 'door' };
const ATTEMPTS = 20;

describe('retained state on the LAN broker (gateway child process)', () => {
  const township = new EmbeddedBroker();
  let gw: GatewayProcess;
  let probe: TownshipProbe;
  let dev: MqttClient | null = null;

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-retained', 4);
    gw = await GatewayProcess.prepare({ uplinkUrl: township.url, uplink: { protocolVersion: 4 }, devices: [DEVICE] });
    await gw.start();
  });
  afterAll(async () => {
    dev?.end(true);
    await gw?.stop();
    await probe?.close();
    await township.stop();
  });

  /** Publishes retained (QoS 1) on a connection of its own; true when acknowledged, false when the gateway closed it. */
  const publishRetained = async (topic: string, payload: string): Promise<boolean> => {
    dev ??= await deviceClient(gw.localPort, DEVICE.id, DEVICE.password);
    const c = dev;
    const closed = new Promise<boolean>((r) => c.once('close', () => r(false)));
    const acked = c.publishAsync(topic, payload, { qos: 1, retain: true }).then(() => true, () => false);
    const outcome = await Promise.race([acked, closed]);
    if (!outcome) {
      c.end(true);
      dev = null;
    }
    return outcome;
  };

  it('keeps one state and one status per device, refuses every other retained publish, and hands back only those', async () => {
    const before = memoryOf(gw.pid).rss;
    const rss = sampleRss(gw.pid);
    const results = { unknownTopic: 0, overCap: 0, state: 0 };
    for (let i = 0; i < ATTEMPTS; i++) if (await publishRetained(`dev/${DEVICE.id}/x${i}`, JSON.stringify({ i, pad: 'u'.repeat(10_000) }))) results.unknownTopic++;
    for (let i = 0; i < ATTEMPTS; i++) if (await publishRetained(`dev/${DEVICE.id}/state`, JSON.stringify({ i, pad: 'o'.repeat(30_000) }))) results.overCap++;
    for (let i = 0; i < 50; i++) if (await publishRetained(`dev/${DEVICE.id}/state`, JSON.stringify({ v: i }))) results.state++;
    expect(await publishRetained(`dev/${DEVICE.id}/status`, 'online')).toBe(true);
    // A retained event is stored as an event, and no copy is kept.
    expect(await publishRetained(`dev/${DEVICE.id}/event`, JSON.stringify({ type: 'door.opened', n: 1 }))).toBe(true);

    const sub = await deviceClient(gw.localPort, DEVICE.id, DEVICE.password);
    const retained: { topic: string; bytes: number }[] = [];
    sub.on('message', (topic, payload, packet) => void (packet.retain && retained.push({ topic, bytes: payload.length })));
    await sub.subscribeAsync(`dev/${DEVICE.id}/#`, { qos: 1 });
    await waitUntil(() => retained.some((m) => m.topic.endsWith('/state')) && retained.some((m) => m.topic.endsWith('/status')), 5000, 'the retained state and status');
    // Nothing more comes: a new subscriber would have had every retained copy at once.
    await new Promise((r) => setTimeout(r, 500));
    const peak = rss.stop();
    const bytes = retained.reduce((n, m) => n + m.bytes, 0);
    console.log(`retained: accepted unknown-topic ${results.unknownTopic}/${ATTEMPTS}, over-cap ${results.overCap}/${ATTEMPTS}, state ${results.state}/50; a new subscriber got ${retained.length} retained messages (${(bytes / 1024).toFixed(1)} KiB); RSS ${before.toFixed(1)} -> peak ${peak.toFixed(1)} MiB, VmHWM ${memoryOf(gw.pid).hwm.toFixed(1)} MiB`);
    expect(results).toEqual({ unknownTopic: 0, overCap: 0, state: 50 });
    expect(retained.map((m) => m.topic).sort()).toEqual([`dev/${DEVICE.id}/state`, `dev/${DEVICE.id}/status`]);
    expect(bytes).toBeLessThan(2 * 16_384);
    // Against this process's own idle size (the footprint is the benchmark's): retained copies kept per
    // attempt would be far above it.
    expect(memoryOf(gw.pid).hwm - before).toBeLessThan(64);

    await probe.waitFor(() => probe.events.some((e) => e.device === DEVICE.id && e.type === 'door.opened'), 10_000, 'the retained event at the township');
    const rejected = probe.events.filter((e) => e.type === 'system.payload.rejected' && e.data.device === DEVICE.id);
    expect(new Set(rejected.map((e) => e.data.reason))).toEqual(new Set(['unknown-topic', 'too-large']));
    await sub.endAsync();
  });
});

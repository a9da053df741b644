/**
 * Issue 10: the memory a 20,000-person `access.sync` costs the daemon — a `vgw run` child process
 * (VmRSS / VmHWM from /proc) that gets the signed command over a real Mosquitto and answers `done`.
 */
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryOf } from '../hardening/support/lan.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { ADMIN, admin, signed } from './support/access-gateway.js';

describe.runIf(requireTools('mosquitto'))('a 20,000-person sync in the daemon', () => {
  const broker = new Mosquitto();
  let gw: GatewayProcess;
  let probe: TownshipProbe;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-sync-memory');
    gw = await GatewayProcess.prepare({
      uplinkUrl: broker.url,
      gatewayId: '370283104-syncmem-01',
      devices: [],
      override: { commands: { maxPayloadBytes: 16 * 1024 * 1024, operators: [{ kid: 'ops-admin', publicKey: admin.publicRaw, roles: ['admin'] }] } },
    });
    await gw.start();
    await probe.waitFor(() => probe.messages.some((m) => m.topic.endsWith('/status') && m.payload.includes('"online":true')), 15_000, 'the gateway online');
  });
  afterAll(async () => {
    await gw?.stop();
    await probe?.close();
    await broker.stop();
  });

  it('applies it and answers done; the memory it costs is measured', async () => {
    const persons = Array.from({ length: 20_000 }, (_, i) => ({ id: `p-${i}`, kind: 'resident', doors: ['*'], credentials: [{ method: 'card', value: String(10_000_000 + i) }, { method: 'pin', value: String(100_000 + i) }] }));
    const c = signed(gw.gatewayId, 'access.sync', { mode: 'full', version: 1, persons }, ADMIN);
    const before = memoryOf(gw.pid);
    const operator = await connectAsync(broker.url, { protocolVersion: 5 });
    const t0 = Date.now();
    await operator.publishAsync(c.topic, c.payload, { qos: 1 });
    let peak = before.rss;
    await probe.waitFor(() => {
      peak = Math.max(peak, memoryOf(gw.pid).rss);
      return probe.json('replies').some((m) => m.body.id === c.id);
    }, 25_000, 'the reply to the 20,000-person sync');
    const ms = Date.now() - t0;
    await operator.endAsync();
    const reply = probe.json('replies').find((m) => m.body.id === c.id)?.body;
    const after = memoryOf(gw.pid);
    console.log(`20,000-person access.sync (${(c.payload.length / 1e6).toFixed(1)} MB) in the daemon: done in ${ms} ms; RSS ${before.rss.toFixed(1)} -> peak ${peak.toFixed(1)} -> ${after.rss.toFixed(1)} MiB, VmHWM ${before.hwm.toFixed(1)} -> ${after.hwm.toFixed(1)} MiB`);
    expect(reply).toMatchObject({ status: 'done' });
    // A whole 5 MB command and its parsed form are held at once; more than this would be a leak.
    expect(after.hwm - before.hwm).toBeLessThan(200);
  });
});

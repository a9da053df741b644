/**
 * The daemon as a real process against a real Mosquitto: retained birth, periodic metrics, graceful
 * SIGTERM (offline "shutdown", exit 0, backlog kept), and the last will after kill -9.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceClient } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';

const DEVICES = [{ id: 'pir-market', password: 'pir-secret-123', category: 'alarm' }];

describe.runIf(requireTools('mosquitto'))('daemon lifecycle', () => {
  const broker = new Mosquitto({ persistence: true });
  let gw: GatewayProcess;
  let probe: TownshipProbe;
  const statuses = () => probe.json('status').map((m) => m.body);

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-life');
    gw = await GatewayProcess.prepare({ uplinkUrl: broker.url, devices: DEVICES, uplink: { metricsIntervalSec: 1 } });
  });
  afterAll(async () => {
    await gw?.stop();
    await probe?.close();
    await broker.stop();
  });

  it('announces itself, publishes valid metrics, and stops cleanly on SIGTERM', async () => {
    await gw.start();
    await probe.waitFor(() => statuses().some((s) => s.online === true), 10_000, 'birth');
    const birth = statuses().find((s) => s.online === true)!;
    expect(birth).toMatchObject({ version: '0.1.0', backlog: expect.any(Number) });
    await probe.waitFor(() => probe.json('metrics').length >= 1, 5000, 'metrics');
    expect(probe.json('metrics')[0]!.body).toMatchObject({ uplink: { state: 'connected' }, devices: { total: 1 } });

    const started = Date.now();
    expect(await gw.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await probe.waitFor(() => statuses().some((s) => s.online === false), 5000, 'offline status');
    expect(statuses().at(-1)).toMatchObject({ online: false, reason: 'shutdown' });
    expect(gw.output).toContain('"msg":"gateway stopped"');
  });

  it('keeps an unsent event across kill -9 and restart', async () => {
    await gw.start();
    const dev = await deviceClient(gw.localPort, 'pir-market', 'pir-secret-123');
    await broker.stop(); // so the event stays in the outbox
    await dev.publishAsync('dev/pir-market/event', JSON.stringify({ type: 'motion.detected', n: 'before-kill' }), { qos: 1 });
    await broker.start();
    await gw.kill9();
    dev.end(true);
    await probe.waitFor(() => probe.events.some((e) => e.data.n === 'before-kill') || statuses().at(-1)?.reason === 'lwt', 10_000, 'will or event');
    await gw.start();
    await probe.waitFor(() => probe.events.some((e) => e.data.n === 'before-kill'), 10_000, 'event after restart');
    expect(probe.invalid).toEqual([]);
  });

  it('publishes the last will when the gateway dies while connected', async () => {
    await probe.waitFor(() => statuses().at(-1)?.online === true, 10_000, 'online');
    await gw.kill9();
    await probe.waitFor(() => statuses().at(-1)?.online === false, 10_000, 'will');
    expect(statuses().at(-1)).toMatchObject({ online: false, reason: 'lwt' });
  });
});

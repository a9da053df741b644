/**
 * The uplink no longer reschedules its keepalive on every PUBACK (mqtt.js `reschedulePings: false`,
 * issue 14): a township link that goes silent while events keep arriving is still found dead by the
 * keepalive, within 1.5 keepalives, and the events wait in the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { until } from '../support/wait.js';
import { LinkCutter } from '../monitor/link-cutter.js';

const KEEPALIVE_SEC = 5;
const DEVICE = { id: 'sensor-ka', password: 'sensor-ka-pass', category: 'alarm' };

describe.runIf(requireTools('mosquitto'))('uplink keepalive while busy', () => {
  const broker = new Mosquitto();
  let cutter: LinkCutter;
  let fx: Fixture;
  let device: MqttClient;

  beforeAll(async () => {
    await broker.start();
    cutter = new LinkCutter(broker.port);
    await cutter.start();
    fx = await startFixture({ uplinkUrl: cutter.url, devices: [DEVICE], uplink: { keepaliveSec: KEEPALIVE_SEC } });
    await until('uplink connected', () => fx.logs.has('uplink connected'));
    device = await deviceClient(fx.gateway.localPort, DEVICE.id, DEVICE.password);
  });
  afterAll(async () => {
    await device?.endAsync();
    await fx?.gateway.stop();
    await cutter?.stop();
    await broker.stop();
  });

  it('finds a silent township link dead within 1.5 keepalives while events flow', async () => {
    let n = 0;
    const publishing = setInterval(() => void device.publishAsync(`dev/${DEVICE.id}/event`, JSON.stringify({ type: 'door.opened', n: n++ }), { qos: 1 }).catch(() => undefined), 100);
    try {
      await until('events delivered', () => fx.gateway.inspect().backlog === 0 && n > 10);
      cutter.mode = 'blackhole';
      const cut = Date.now();
      await until('uplink lost', () => fx.logs.has('uplink lost'), 4 * KEEPALIVE_SEC * 1000);
      expect(Date.now() - cut).toBeLessThan(1.5 * KEEPALIVE_SEC * 1000 + 1000);
      expect(fx.gateway.inspect().backlog).toBeGreaterThan(0); // kept for the next connection
    } finally {
      clearInterval(publishing);
    }
  });
});

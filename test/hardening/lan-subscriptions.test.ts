/**
 * Found while fixing issue 8: aedes queues, in memory and without bound, every publish that matches an
 * offline persistent session (clean=false). A device subscribed to `dev/{id}/#` that went offline made
 * the broker keep all of its own events; and since aedes stores a SUBSCRIBE's whole filter list once any
 * filter in it is granted, `#` refused next to a granted `dev/{id}/cmd` queued every other device's
 * events for it — read back on reconnect, past the ACL.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { waitUntil } from './support/lan.js';

const DOOR = { id: 'door-west', password: 'door-secret-22' };
const PANIC = { id: 'panic-east-gate', password: 'panic-secret-1' };

describe('subscriptions of persistent sessions', () => {
  const township = new EmbeddedBroker();
  let fx: Fixture;

  beforeAll(async () => {
    await township.start();
    fx = await startFixture({ uplinkUrl: township.url, uplink: { protocolVersion: 4 } });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await township.stop();
  });

  const login = (d: { id: string; password: string }, clientId: string, clean: boolean): Promise<MqttClient> =>
    connectAsync(`mqtt://127.0.0.1:${fx.gateway.localPort}`, { clientId, username: d.id, password: d.password, clean, protocolVersion: 4, reconnectPeriod: 0 });
  const granted = (c: MqttClient, topics: string[]): Promise<number[]> =>
    c.subscribeAsync(topics, { qos: 1 }).then((g) => g.map((x) => x.qos), (err: { packet: { granted: number[] } }) => err.packet.granted);
  const publishEvents = async (d: { id: string; password: string }, n: number): Promise<void> => {
    const c = await login(d, `${d.id}-pub`, true);
    for (let i = 0; i < n; i++) await c.publishAsync(`dev/${d.id}/event`, JSON.stringify({ type: 'door.opened', i }), { qos: 1 });
    await c.endAsync();
  };
  /** Reconnects the persistent session and collects what it is handed, up to a marker command sent after. */
  const queuedFor = async (clientId: string): Promise<string[]> => {
    const topics: string[] = [];
    const c = await connectAsync(`mqtt://127.0.0.1:${fx.gateway.localPort}`, { clientId, username: DOOR.id, password: DOOR.password, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    c.on('message', (topic, payload) => topics.push(payload.toString() === 'marker' ? 'marker' : topic));
    await fx.gateway.testApi.sendToDevice(DOOR.id, Buffer.from('marker'));
    await waitUntil(() => topics.includes('marker'), 5000, 'the marker command');
    await c.endAsync();
    return topics.filter((t) => t !== 'marker');
  };

  it('keeps only its commands for a persistent session while it is offline', async () => {
    const sub = await login(DOOR, `${DOOR.id}-own`, false);
    expect(await granted(sub, [`dev/${DOOR.id}/#`, `dev/${DOOR.id}/cmd`])).toEqual([128, 1]);
    await sub.endAsync();
    await publishEvents(DOOR, 50);
    await fx.gateway.testApi.sendToDevice(DOOR.id, Buffer.from('{"action":"open"}'));
    expect(await queuedFor(`${DOOR.id}-own`)).toEqual([`dev/${DOOR.id}/cmd`]);
  });

  it("does not queue other devices' events behind a refused `#` next to a granted filter", async () => {
    const sub = await login(DOOR, `${DOOR.id}-leak`, false);
    expect(await granted(sub, ['#', `dev/${DOOR.id}/cmd`])).toEqual([128, 1]);
    await sub.endAsync();
    await publishEvents(PANIC, 50);
    expect(await queuedFor(`${DOOR.id}-leak`)).toEqual([]);
  });

  it('still lets a clean session subscribe anywhere under its own namespace (contract)', async () => {
    const c = await login(DOOR, `${DOOR.id}-clean`, true);
    expect(await granted(c, [`dev/${DOOR.id}/#`, `dev/${DOOR.id}/state`])).toEqual([1, 1]);
    await c.endAsync();
  });
});

/**
 * Issue 9, item 5: a stop with devices connected disconnects them and finishes well inside its limit.
 * aedes.close() waited for every client to leave (3 s, a timed-out step, with one device connected).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { connect, type Socket } from 'node:net';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';

const DEVICES = [
  { id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' },
  { id: 'door-west', password: 'door-secret-22', category: 'door' },
  { id: 'pir-market', password: 'pir-secret-333', category: 'alarm' },
];

describe('gateway stop with devices connected', () => {
  let fx: Fixture | null = null;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    await fx?.gateway.stop();
    fx = null;
  });

  it('disconnects three mqtt.js devices and stops in under 1 s', async () => {
    // Nobody listens on the uplink: this is about the local side only.
    fx = await startFixture({ uplinkUrl: 'mqtt://127.0.0.1:9', devices: DEVICES });
    const port = fx.gateway.localPort;
    for (const d of DEVICES) clients.push(await deviceClient(port, d.id, d.password, { reconnectPeriod: 200, keepalive: 60 }));
    // A fourth connection that has not logged in yet (a device mid-handshake, or a port scan).
    const raw: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    const rawClosed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    const closed = [rawClosed, ...clients.map((c) => new Promise<void>((resolve) => c.once('close', () => resolve())))];
    const started = performance.now();
    await fx.gateway.stop();
    const ms = performance.now() - started;
    fx = null;
    expect(ms, `gateway.stop() took ${Math.round(ms)} ms`).toBeLessThan(1000);
    await Promise.race([Promise.all(closed), new Promise((_, reject) => setTimeout(() => reject(new Error('devices were not disconnected by the stop')), 2000))]);
  });
});

/**
 * A gateway stopped while its uplink is still connecting: the township's CONNACK arrives after the stop
 * began. Before the fix, mqtt.js emitted 'connect' on the client being ended and the birth publish threw
 * an uncaught TypeError (its stores were gone) — seen when a test stopped a gateway right after start.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startFixture } from '../support/gateway-fixture.js';

/** A "broker" that answers every CONNECT with a CONNACK (MQTT 3.1.1, accepted) only after `delayMs`. */
function slowTownship(delayMs: number): Promise<{ server: Server; port: number; connacks: () => number }> {
  let connacks = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('data', () => {
      setTimeout(() => {
        if (s.destroyed) return;
        s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        connacks++;
      }, delayMs);
    });
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, connacks: () => connacks })));
}

describe('stopping a gateway whose uplink is still connecting', () => {
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);
  let township: Awaited<ReturnType<typeof slowTownship>> | null = null;
  afterAll(() => {
    process.off('uncaughtException', onUncaught);
    township?.server.close();
  });

  it('ignores a CONNACK that arrives after the stop began', async () => {
    process.on('uncaughtException', onUncaught);
    township = await slowTownship(300);
    const fx = await startFixture({ uplinkUrl: `mqtt://127.0.0.1:${township.port}`, uplink: { protocolVersion: 4 } });
    const stopping = fx.gateway.stop();
    const until = Date.now() + 5000;
    while (township.connacks() === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await stopping;
    await new Promise((r) => setTimeout(r, 200)); // the late CONNACK's callbacks run in these turns
    expect(township.connacks()).toBeGreaterThan(0);
    expect(uncaught).toEqual([]);
    expect(fx.logs.has('gateway stopped')).toBe(true);
  });
});

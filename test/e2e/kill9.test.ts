/**
 * `kill -9` of the gateway process mid-stream, several times at random instants, then restart: every
 * event a device had PUBACKed reaches the township; the only harm allowed is a duplicate with the same id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceClient, publishBurst } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';

const DEVICES = [0, 1].map((i) => ({ id: `contact-${i}`, password: `contact-pass-${i}`, category: 'door' }));
const ROUNDS = 3;

describe.runIf(requireTools('mosquitto'))('kill -9 of the gateway process', () => {
  const broker = new Mosquitto({ persistence: true });
  let gw: GatewayProcess;
  let probe: TownshipProbe;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-kill9');
    gw = await GatewayProcess.prepare({ uplinkUrl: broker.url, devices: DEVICES });
  });
  afterAll(async () => {
    await gw?.stop();
    await probe?.close();
    await broker.stop();
  });

  it(`loses no acknowledged event over ${ROUNDS} kills`, async () => {
    const acked = new Set<string>();
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await gw.start();
      const clients = await Promise.all(DEVICES.map((d) => deviceClient(gw.localPort, d.id, d.password)));
      const base = n;
      n += 1_000_000;
      const bursts = clients.map((c, k) => publishBurst(c, DEVICES[k]!.id, 1_000_000, (i) => ({ type: 'door.opened', n: base + i, round }), 50));
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
      await gw.kill9();
      for (const c of clients) c.end(true); // fails the publishes still waiting for a PUBACK
      const done = await Promise.all(bursts);
      done.forEach((list, k) => list.forEach((i) => acked.add(`${DEVICES[k]!.id}/${base + i}`)));
      expect(done.flat().length).toBeGreaterThan(0);
    }
    await gw.start(); // the last backlog drains after the final restart
    const seen = new Map<string, Set<string>>();
    const index = () => {
      for (const e of probe.events) {
        if (e.type !== 'door.opened') continue;
        const key = `${e.device}/${e.data.n}`;
        const ids = seen.get(key) ?? new Set<string>();
        ids.add(e.id);
        seen.set(key, ids);
      }
    };
    await probe.waitFor(() => {
      seen.clear();
      index();
      return [...acked].every((k) => seen.has(k));
    }, 60_000, `all ${acked.size} acknowledged events at the township`);
    const lost = [...acked].filter((k) => !seen.has(k));
    expect(lost).toEqual([]);
    // A duplicate (sent, stored, killed before the delete) must carry the same id.
    expect([...seen.values()].filter((ids) => ids.size > 1)).toEqual([]);
    expect(probe.invalid).toEqual([]);
  });
});

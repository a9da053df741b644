/**
 * A simulated fleet for the monitoring-center benchmark (child process of fleet-run.ts): N plain
 * mqtt.js clients, each posing as one gateway on the township broker — client id = gateway id, a
 * retained birth and a last will on `status`, contract-valid event envelopes with their own seq —
 * publishing QoS 1 at the total rate the parent asks for, spread at random over the gateways.
 *
 * IPC in:  { rate: events/s for the whole fleet }, or { burst: { gateways, events, perSec } }: that many
 *          of its gateways replay `events` each, stamped over the last 10 minutes (the backlog of a
 *          township outage), at `perSec` each (`data.replay: true`, so lag figures leave them out).
 * IPC out: { published, acked, replayed } every 200 ms.
 * argv: broker URL, gateways in this process, the number of the first (so several processes' ids differ).
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { isoLocal } from '../../gateway/kernel/clock.js';
import { eventTopic, TOWNSHIP, villageEvent } from '../monitor/envelopes.js';

const [url = '', count = '200', first = '0'] = process.argv.slice(2);
const TICK_MS = 10;

interface SimGateway {
  id: string;
  client: MqttClient;
  seq: number;
}

async function connectGateway(i: number): Promise<SimGateway> {
  const id = `${TOWNSHIP}-sim${String(Number(first) + i).padStart(4, '0')}-01`;
  const status = `pingan/v1/${TOWNSHIP}/${id}/status`;
  const client = await connectAsync(url, {
    clientId: id,
    protocolVersion: 5,
    reconnectPeriod: 0,
    will: { topic: status, payload: Buffer.from(JSON.stringify({ online: false, ts: isoLocal(Date.now()), reason: 'lwt' })), qos: 1, retain: true },
  });
  await client.publishAsync(status, JSON.stringify({ online: true, ts: isoLocal(Date.now()), version: '0.1.0-sim', bootId: `sim-${i}`, backlog: 0 }), { qos: 1, retain: true });
  return { id, client, seq: 0 };
}

async function main(): Promise<void> {
  const fleet: SimGateway[] = [];
  // Connected in batches: 200 CONNECTs at once would only measure the broker's accept queue.
  for (let i = 0; i < Number(count); i += 20) fleet.push(...(await Promise.all(Array.from({ length: Math.min(20, Number(count) - i) }, (_, k) => connectGateway(i + k)))));
  let rate = 0;
  let owed = 0;
  let published = 0;
  let acked = 0;
  let replayed = 0;
  const publish = (g: SimGateway, e: ReturnType<typeof villageEvent>): void => {
    published++;
    g.client.publish(eventTopic(e), JSON.stringify(e), { qos: 1 }, (err) => {
      if (!err) acked++;
    });
  };
  /** The outage's backlog of `gateways` of this process, sent at `perSec` each. */
  const burst = ({ gateways, events, perSec }: { gateways: number; events: number; perSec: number }): void => {
    const outageStart = Date.now() - 600_000;
    for (const g of fleet.slice(0, gateways)) {
      let sent = 0;
      const timer = setInterval(() => {
        for (let k = 0; k < (perSec * TICK_MS) / 1000 && sent < events; k++, sent++) {
          const e = villageEvent(g.id, ++g.seq);
          publish(g, { ...e, ts: isoLocal(outageStart + (sent * 600_000) / events), data: { ...e.data, replay: true } });
          replayed++;
        }
        if (sent >= events) clearInterval(timer);
      }, TICK_MS);
    }
  };
  process.on('message', (m: { rate?: number; stop?: boolean; burst?: { gateways: number; events: number; perSec: number } }) => {
    if (m.rate !== undefined) rate = m.rate;
    if (m.burst) burst(m.burst);
    if (m.stop) void Promise.all(fleet.map((g) => g.client.endAsync())).then(() => process.exit(0));
  });
  setInterval(() => {
    // At most a second's worth owed: a stalled loop catches up, but not in one giant burst.
    owed = Math.min(owed + (rate * TICK_MS) / 1000, Math.max(rate, 1));
    for (; owed >= 1; owed--) {
      const g = fleet[Math.floor(Math.random() * fleet.length)] as SimGateway;
      publish(g, villageEvent(g.id, ++g.seq));
    }
  }, TICK_MS);
  setInterval(() => process.send?.({ published, acked, replayed }), 200);
  process.send?.({ ready: fleet.length });
}

main().catch((err: unknown) => {
  process.stderr.write(`fleet-sim: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

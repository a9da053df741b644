/**
 * The backlog drain's reference (issue 14): one mqtt.js client (MQTT 5, QoS 1, our uplink's window)
 * publishing the same events straight to the township Mosquitto, bodies built before the clock starts.
 * What our drain would reach if reading the outbox and deleting what was acknowledged cost nothing.
 */
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { uplinkSchema } from '../../cloud-bridge/config.js';
import { townshipTopics } from '../../gateway/kernel/topics.js';
import { TOWNSHIP } from '../support/gateway-fixture.js';
import { waitForQuiet } from './harness.js';
import { payload } from './load.js';
import { PARAMS, log } from './params.js';
import { ForeignCpu } from './proc-stats.js';
import { Subscriber, now, waitUntil } from './subscriber.js';
import { Township } from './targets.js';

export interface PublisherRun {
  events: number;
  received: number;
  /** Events at the township / (last arrival − first publish). */
  eventsPerSec: number;
  /** Acknowledged by the township Mosquitto, never delivered to the subscriber. */
  lost: number;
  otherCpuPct: number;
}

export async function publisherAloneRun(run: number): Promise<PublisherRun> {
  await waitForQuiet();
  const runId = randomBytes(4).toString('hex');
  const perDevice = Math.ceil(PARAMS.drainEvents / PARAMS.devices);
  const township = new Township();
  let sub: Subscriber | undefined;
  let client: MqttClient | undefined;
  try {
    await township.start();
    sub = await Subscriber.start(township.url, runId, perDevice, PARAMS.devices);
    client = await connectAsync(township.url, { protocolVersion: 5, clientId: `bench-pub-${runId}`, clean: true });
    // The envelope our null gateway sends: the device's bytes under `data`.
    const bodies: Buffer[] = [];
    for (let n = 0; n < perDevice; n++) for (let d = 0; d < PARAMS.devices; d++) bodies.push(Buffer.from(`{"device":"bench-${d}","data":${payload(runId, d, n, 'door.opened')}}`));
    const other = new ForeignCpu(() => [township.pid]);
    other.start();
    const t0 = now();
    const acked = await publishAll(client, townshipTopics({ township: TOWNSHIP, gateway: '370283104-pub-01' }).event('door'), bodies, uplinkSchema.shape.inflightWindow.parse(undefined));
    const s = sub;
    await waitUntil(() => s.unique >= acked, PARAMS.hardCapMs, 'the published events at the township');
    const r: PublisherRun = { events: bodies.length, received: s.unique, eventsPerSec: s.unique / ((s.lastUnique - t0) / 1000), lost: Math.max(0, acked - s.unique), otherCpuPct: other.stop() };
    log(`  mqtt.js alone #${run}: ${r.received}/${bodies.length} at ${r.eventsPerSec.toFixed(0)} ev/s, lost ${r.lost}, others ${r.otherCpuPct.toFixed(0)} %`);
    return r;
  } finally {
    await client?.endAsync(true).catch(() => undefined);
    await sub?.stop();
    await township.stop().catch(() => undefined);
    township.dispose();
  }
}

/** Publishes every body QoS 1 with at most `window` in flight; resolves with the number acknowledged. */
function publishAll(client: MqttClient, topic: string, bodies: Buffer[], window: number): Promise<number> {
  return new Promise((resolve) => {
    let next = 0;
    let inflight = 0;
    let acked = 0;
    const pump = (): void => {
      while (inflight < window && next < bodies.length) {
        inflight++;
        client.publish(topic, bodies[next++]!, { qos: 1 }, (err) => {
          inflight--;
          if (!err) acked++;
          if (next < bodies.length) pump();
          else if (inflight === 0) resolve(acked);
        });
      }
    };
    pump();
  });
}

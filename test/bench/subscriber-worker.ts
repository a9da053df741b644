/**
 * The township subscriber, on its own thread so that receiving is not delayed by the devices'
 * publishing loop. Lean: one JSON.parse per message, no schema validation. It writes what it sees into
 * shared memory (see subscriber.ts for the layout) and reports only 'ready' and 'stopped'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from 'mqtt';
import { C, T, type SubscriberInit } from './subscriber-layout.js';

const init = workerData as SubscriberInit;
const seen = new Uint8Array(init.seen);
const latency = new Float64Array(init.latency);
const order = new Int32Array(init.order);
const ctr = new Int32Array(init.counters);
const times = new Float64Array(init.times);
const now = (): number => performance.timeOrigin + performance.now();

interface Body {
  r?: string;
  d?: number;
  n?: number;
  t?: number;
  w?: number;
}

const client = connect(init.url, { clientId: init.clientId, clean: false, protocolVersion: 4, reconnectPeriod: 50, keepalive: 10 });
let subscribed = false;
client.on('connect', () => {
  Atomics.add(ctr, C.connects, 1);
  if (subscribed) return;
  subscribed = true;
  client.subscribe({ 'pingan/#': { qos: 1 }, 'dev/#': { qos: 1 }, '$SYS/broker/connection/#': { qos: 1 } }, (err) => {
    if (err) parentPort?.postMessage({ error: String(err) });
    else parentPort?.postMessage('ready');
  });
});
client.on('error', () => undefined); // refused while the township is down: reconnects by itself

function uplinkUp(at: number): void {
  times[T.lastUplinkUp] = at;
  Atomics.add(ctr, C.uplinkUps, 1);
}

client.on('message', (topic, payload, packet) => {
  const at = now();
  if (topic.startsWith('$SYS/')) {
    if (!packet.retain && topic.endsWith('/state') && payload.toString() === '1') uplinkUp(at);
    return;
  }
  if (topic.endsWith('/status')) {
    if (!packet.retain && payload.includes('"online":true')) uplinkUp(at);
    Atomics.add(ctr, C.other, 1);
    return;
  }
  let body: Body | undefined;
  try {
    const obj = JSON.parse(payload.toString('utf8')) as Body & { data?: Body };
    body = topic.startsWith('pingan/') ? obj.data : obj;
  } catch {
    Atomics.add(ctr, C.parseErrors, 1);
    return;
  }
  if (!body || body.r !== init.runId || typeof body.d !== 'number') {
    Atomics.add(ctr, C.other, 1);
    return;
  }
  if (body.w) {
    Atomics.add(ctr, C.warmups, 1);
    return;
  }
  const n = body.n ?? -1;
  if (n < 0 || n >= init.perDevice) {
    Atomics.add(ctr, C.parseErrors, 1);
    return;
  }
  const key = body.d * init.perDevice + n;
  if (seen[key]) {
    if (seen[key]! < 255) seen[key]!++;
    Atomics.add(ctr, C.dups, 1);
    return;
  }
  latency[key] = at - (body.t ?? at);
  order[key] = Atomics.add(ctr, C.unique, 1);
  if (order[key] === 0) times[T.firstUnique] = at;
  times[T.lastUnique] = at;
  seen[key] = 1;
});

parentPort?.on('message', (msg) => {
  if (msg !== 'stop') return;
  client.end(true, {}, () => {
    parentPort?.postMessage('stopped');
    process.exit(0);
  });
});

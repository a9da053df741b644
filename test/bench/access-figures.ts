/**
 * `npm run bench:access` (issue 10 items 3 and 4): door-access figures measured on a compiled `vgw run`
 * child (`npm run build` first) with a real Mosquitto township and a simulated UHPPOTE controller
 * (real UDP on loopback) holding the door:
 *  - a 20,000-person full `access.sync`, signed and published on the township broker as `vgw send
 *    access-sync --file` does: the apply time the gateway logs, publish-to-reply time, and the commit
 *    latency (publish -> PUBACK, which the gateway sends after the commit) of QoS 1 events a LAN device
 *    publishes every 5 ms meanwhile; the child's VmRSS before and after, and VmHWM, from /proc;
 *  - reader answer latency: credential published by an mqtt.js reader on the local broker -> grant or
 *    deny on dev/{reader}/cmd (a grant first opens the door through the controller's 0x40 frame), over
 *    BENCH_SWIPES swipes idle and with 20 LAN devices publishing 1 event/s each.
 * Medians over BENCH_RUNS runs (default 3; BENCH_QUICK=1: 1 run, 100 swipes). Prints a table and writes
 * bench-results/access.json. The controller's card push is off (`pushCards: false`) so the figures are the
 * gateway's own; a box with controllers also sends them the cards after a sync.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { parse, stringify } from 'yaml';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { UhppoteSimulator } from '../../device-drivers/uhppote/simulator.js';
import { admin, ADMIN, READER_PASSWORD, ReaderClient, signed } from '../access/support/access-gateway.js';
import { deviceClient } from '../support/devices.js';
import { TOWNSHIP } from '../support/gateway-fixture.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { memory } from './proc-stats.js';

const quick = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 3));
const SWIPES = Number(process.env.BENCH_SWIPES ?? (quick ? 100 : 500));
const PERSONS = Number(process.env.BENCH_PERSONS ?? 20_000);
const LAN = 20;
/** Pause between swipes, so the 20 LAN devices publish ~10 events per 100 swipes beside them. */
const SWIPE_GAP_MS = Number(process.env.BENCH_SWIPE_GAP_MS ?? 20);
const SERIAL = 423187757;
const PROBE = { id: 'probe-1', password: 'probe-pass-1', category: 'alarm' };
const LAN_DEVICES = Array.from({ length: LAN }, (_, i) => ({ id: `lan-${i + 1}`, password: `lan-pass-${i + 1}`, category: 'alarm' }));
const MEMORY_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };
const GRANTED_CARD = 10_000_000 + 4242;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const median = (xs: number[]): number => pct(xs, 50);
const r1 = (x: number) => +x.toFixed(1);

/** The whitelist of a village: `n` residents, a card and a PIN each, a weekly window, a list for some. */
function whitelist(n: number) {
  return {
    mode: 'full',
    version: Date.now(),
    persons: Array.from({ length: n }, (_, i) => ({
      id: `p-${i}`,
      kind: 'resident',
      lists: i % 50 === 0 ? ['elderly-alone'] : [],
      doors: ['east-gate'],
      windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59' }],
      credentials: [{ method: 'card', value: String(10_000_000 + i) }, { method: 'pin', value: String(100_000 + i) }],
    })),
  };
}

async function prepare(broker: Mosquitto, sim: UhppoteSimulator): Promise<GatewayProcess> {
  // BENCH_DATA_DIR: put the database on the file system to measure (an SD card's fsync is what a box pays); the default is os.tmpdir().
  const dataDir = process.env.BENCH_DATA_DIR ? mkdtempSync(join(process.env.BENCH_DATA_DIR, 'vgw-bench-access-')) : undefined;
  const gw = await GatewayProcess.prepare({ uplinkUrl: broker.url, devices: [PROBE, ...LAN_DEVICES], ...(dataDir ? { dataDir } : {}) });
  const config = parse(readFileSync(gw.configFile, 'utf8')) as Record<string, unknown> & { devices: unknown[] };
  config.commands = { maxPayloadBytes: 16 * 1024 * 1024, operators: [{ kid: ADMIN.kid, publicKey: admin.publicRaw, roles: ['admin'] }] };
  config.devices.push(
    { id: 'ctl-east', driver: 'uhppote', serial: SERIAL, address: '127.0.0.1', port: sim.port, listener: { address: '127.0.0.1', port: await freePort(), bind: '127.0.0.1' }, timeZone: 'Asia/Shanghai', pushCards: false, doors: [{ number: 1, device: 'east-gate' }] },
    { id: 'east-gate', driver: 'uhppote-door', controller: 'ctl-east' },
    { id: 'reader-east', driver: 'reader', category: 'access', passwordHash: await hashPassword(READER_PASSWORD), door: 'east-gate' },
  );
  writeFileSync(gw.configFile, stringify(config));
  return gw;
}

/** Publishes a signed access.sync on the township broker; resolves with the final reply and its time. */
async function sendSync(township: MqttClient, gatewayId: string, params: Record<string, unknown>): Promise<{ status: string; ms: number; bytes: number }> {
  const c = signed(gatewayId, 'access.sync', params, ADMIN, { lifetimeMs: 300_000 });
  const topic = `pingan/v1/${TOWNSHIP}/${gatewayId}/replies/${c.id}`;
  await township.subscribeAsync(topic, { qos: 1 });
  const t0 = performance.now();
  const reply = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no final reply to access.sync ${c.id} within 120 s`)), 120_000);
    const onMessage = (t: string, payload: Buffer) => {
      const status = (JSON.parse(payload.toString()) as { status: string }).status;
      if (t !== topic || status === 'accepted') return;
      clearTimeout(timer);
      township.off('message', onMessage);
      resolve(status);
    };
    township.on('message', onMessage);
  });
  await township.publishAsync(c.topic, c.payload, { qos: 1 });
  const status = await reply;
  return { status, ms: performance.now() - t0, bytes: c.payload.length };
}

/** Times `swipes` credentials at the reader, half granted, half unknown; resolves with the answer times of each. */
async function swipe(reader: ReaderClient, swipes: number): Promise<{ all: number[]; grant: number[]; deny: number[] }> {
  const times = { all: [] as number[], grant: [] as number[], deny: [] as number[] };
  for (let i = 0; i < swipes; i++) {
    const expected = i % 2 ? 'grant' : 'deny';
    const t = performance.now();
    const answer = await reader.present({ method: 'card', value: String(i % 2 ? GRANTED_CARD : 99_000_000 + i) });
    const ms = performance.now() - t;
    if (answer.action !== expected) throw new Error(`swipe ${i}: expected ${expected}, answered ${JSON.stringify(answer)}`);
    times.all.push(ms);
    times[expected].push(ms);
    await sleep(SWIPE_GAP_MS);
  }
  return times;
}

/** Median, p99 and max of the answer times, and the medians of grants and denials apart. */
const answerFigures = (t: { all: number[]; grant: number[]; deny: number[] }) => ({
  swipes: t.all.length,
  medianMs: r1(median(t.all)),
  p99Ms: r1(pct(t.all, 99)),
  maxMs: r1(Math.max(...t.all)),
  grantMedianMs: r1(median(t.grant)),
  denyMedianMs: r1(median(t.deny)),
});

/** 20 LAN devices publishing one QoS 1 event a second each, spread over the second; `stop` counts what was acknowledged. */
async function lanLoad(port: number): Promise<{ stop: () => Promise<{ sent: number; acked: number }> }> {
  // One after another: the local broker takes at most a few logins pending per address (localBroker.maxPendingLoginsPerAddress).
  const clients: MqttClient[] = [];
  for (const d of LAN_DEVICES) clients.push(await deviceClient(port, d.id, d.password));
  let sent = 0;
  let acked = 0;
  const pending: Promise<unknown>[] = [];
  const timers = clients.map((c, i) => {
    const tick = () => {
      sent++;
      pending.push(c.publishAsync(`dev/${LAN_DEVICES[i]!.id}/event`, JSON.stringify({ type: 'sensor.reading', n: sent }), { qos: 1 }).then(() => acked++));
    };
    let interval: NodeJS.Timeout | undefined;
    const start = setTimeout(() => (tick(), (interval = setInterval(tick, 1000))), (i * 1000) / LAN);
    return () => (clearTimeout(start), clearInterval(interval));
  });
  return {
    stop: async () => {
      timers.forEach((off) => off());
      await Promise.allSettled(pending);
      await Promise.all(clients.map((c) => c.endAsync()));
      return { sent, acked };
    },
  };
}

/** QoS 1 events from a connected device every 5 ms until `done` settles: the publish -> PUBACK time of each. */
async function commitProbe(client: MqttClient, done: Promise<unknown>): Promise<number[]> {
  let running = true;
  const stop = () => (running = false);
  done.then(stop, stop);
  const ms: number[] = [];
  while (running) {
    const t = performance.now();
    await client.publishAsync(`dev/${PROBE.id}/event`, JSON.stringify({ type: 'door.probe', n: ms.length }), { qos: 1 });
    ms.push(performance.now() - t);
    await sleep(5);
  }
  return ms;
}

const loggedApplyMs = (output: string): number => {
  const line = output.split('\n').find((l) => l.includes('"msg":"access whitelist synced"'));
  return line ? (JSON.parse(line) as { ms: number }).ms : NaN;
};

async function run(broker: Mosquitto, sim: UhppoteSimulator, township: MqttClient) {
  const gw = await prepare(broker, sim);
  await gw.start(MEMORY_ENV, process.env.BENCH_SOURCE !== '1');
  try {
    await sleep(3000); // logins, the controller adopted, first checkpoint
    const rssBefore = memory(gw.pid).rssMiB;
    // Logged in before the sync is sent, so its events also meet the parsing of the command.
    const probe = await deviceClient(gw.localPort, PROBE.id, PROBE.password);
    const sync = sendSync(township, gw.gatewayId, whitelist(PERSONS));
    const commits = await commitProbe(probe, sync);
    await probe.endAsync();
    const s = await sync;
    if (s.status !== 'done') throw new Error(`access.sync answered ${s.status}:\n${gw.output.slice(-2000)}`);
    const after = memory(gw.pid);
    const reader = await ReaderClient.connect(gw.localPort, 'reader-east');
    // Back-to-back swipes from a client with Nagle's algorithm on wait for the gateway's delayed ACK
    // (~40 ms) before each next PUBLISH: a cost of this client, not of the gateway (1.5 ms per answer
    // with swipes 100 ms apart). A reader is a socket of its own; it is measured with Nagle off.
    (reader.client.stream as Socket).setNoDelay(true);
    const idle = await swipe(reader, SWIPES);
    const load = await lanLoad(gw.localPort);
    await sleep(2000);
    const loaded = await swipe(reader, SWIPES);
    const lan = await load.stop();
    await reader.close();
    const end = memory(gw.pid);
    return {
      sync: { persons: PERSONS, commandMiB: r1(s.bytes / 2 ** 20), applyMs: loggedApplyMs(gw.output), publishToReplyMs: Math.round(s.ms) },
      commitsDuringSync: { events: commits.length, medianMs: r1(median(commits)), p99Ms: r1(pct(commits, 99)), maxMs: r1(Math.max(...commits)) },
      memory: { rssBeforeSyncMiB: r1(rssBefore), rssAfterSyncMiB: r1(after.rssMiB), hwmAfterSyncMiB: r1(after.hwmMiB), rssEndMiB: r1(end.rssMiB), hwmEndMiB: r1(end.hwmMiB) },
      readerIdle: answerFigures(idle),
      readerLoaded: { ...answerFigures(loaded), lanSent: lan.sent, lanLost: lan.sent - lan.acked },
    };
  } finally {
    await gw.stop();
  }
}

type Run = Awaited<ReturnType<typeof run>>;

/** The median over runs of every figure, field by field. */
function medians(runs: Run[]): Run {
  const first = runs[0]!;
  const out = {} as Record<string, Record<string, number>>;
  for (const [group, figures] of Object.entries(first)) {
    out[group] = Object.fromEntries(Object.keys(figures).map((k) => [k, median(runs.map((r) => (r as unknown as Record<string, Record<string, number>>)[group]![k]!))]));
  }
  return out as unknown as Run;
}

async function main(): Promise<void> {
  const broker = new Mosquitto();
  const sim = new UhppoteSimulator({ serial: SERIAL, capacity: 2048 });
  await broker.start();
  await sim.start();
  const township = await connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-access-${process.pid}` });
  try {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      process.stdout.write(`run ${i + 1}/${RUNS}: ${PERSONS}-person sync, ${SWIPES} swipes idle and with ${LAN} LAN devices at 1 event/s\n`);
      runs.push(await run(broker, sim, township));
    }
    const m = medians(runs);
    const rows: [string, string][] = [
      [`access.sync ${m.sync.persons} persons (${m.sync.commandMiB} MiB)`, `applied in ${m.sync.applyMs} ms (gateway log), reply ${m.sync.publishToReplyMs} ms after publish`],
      ['event commit during the sync', `${m.commitsDuringSync.events} events, median ${m.commitsDuringSync.medianMs} ms, p99 ${m.commitsDuringSync.p99Ms} ms, max ${m.commitsDuringSync.maxMs} ms`],
      ['gateway memory', `VmRSS ${m.memory.rssBeforeSyncMiB} MiB before, ${m.memory.rssAfterSyncMiB} MiB after; VmHWM ${m.memory.hwmAfterSyncMiB} MiB`],
      ['reader answer, idle', `median ${m.readerIdle.medianMs} ms, p99 ${m.readerIdle.p99Ms} ms, max ${m.readerIdle.maxMs} ms (${m.readerIdle.swipes} swipes; grant ${m.readerIdle.grantMedianMs}, deny ${m.readerIdle.denyMedianMs} ms)`],
      [`reader answer, ${LAN} LAN devices 1/s`, `median ${m.readerLoaded.medianMs} ms, p99 ${m.readerLoaded.p99Ms} ms, max ${m.readerLoaded.maxMs} ms (grant ${m.readerLoaded.grantMedianMs}, deny ${m.readerLoaded.denyMedianMs} ms); LAN events lost ${m.readerLoaded.lanLost}/${m.readerLoaded.lanSent}`],
    ];
    process.stdout.write(`door-access benchmark, medians of ${RUNS} run(s), load average ${loadavg()[0]?.toFixed(1)}:\n${rows.map(([k, v]) => `  ${k.padEnd(42)} ${v}`).join('\n')}\n`);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/access.json', `${JSON.stringify({ runs: RUNS, swipes: SWIPES, swipeGapMs: SWIPE_GAP_MS, persons: PERSONS, lanDevices: LAN, loadAverage: loadavg()[0], medians: m, each: runs }, null, 2)}\n`);
    process.stdout.write('written: bench-results/access.json\n');
  } finally {
    await township.endAsync();
    await sim.stop();
    await broker.stop();
  }
}

await main();

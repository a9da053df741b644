/**
 * `npm run bench:ops` (issue 13 items 2 and 5, issue 14): figures for running unattended, measured on a
 * compiled gateway child process (`npm run build` first):
 *  - SD-card writes: bytes the gateway process writes per event (/proc/{pid}/io write_bytes, what
 *    reached the block layer from this process; and wchar, all write() bytes), device -> gateway ->
 *    township Mosquitto at 1 and 20 events/s, and per day at those rates. The file system's own
 *    journal (jbd2) writes are not in these figures.
 *  - Memory settings: VmRSS idle and after 4 device logins, with and without MALLOC_ARENA_MAX=2,
 *    MALLOC_MMAP_THRESHOLD_=131072, UV_THREADPOOL_SIZE=2 (the unit's and the image's environment).
 * SD_SECONDS (default 30) sets each rate's run time.
 */
import { readFileSync } from 'node:fs';
import { deviceClient } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { memory } from './proc-stats.js';

const MEMORY_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', UV_THREADPOOL_SIZE: '2' };
const DEVICES = [0, 1, 2, 3].map((i) => ({ id: `door-${i}`, password: `door-pass-${i}`, category: 'door' }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function io(pid: number): { writeBytes: number; wchar: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (k: string): number => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { writeBytes: field('write_bytes'), wchar: field('wchar') };
}

async function sdRun(townshipUrl: string, rate: number, seconds: number) {
  const gw = await GatewayProcess.prepare({ uplinkUrl: townshipUrl, devices: DEVICES.slice(0, 1) });
  await gw.start({ ...MEMORY_ENV }, true);
  try {
    const dev = DEVICES[0]!;
    const client = await deviceClient(gw.localPort, dev.id, dev.password);
    await sleep(2000); // start-up writes (migrations, first checkpoint) are not per-event
    const before = io(gw.pid);
    const events = rate * seconds;
    const t0 = Date.now();
    for (let i = 0; i < events; i++) {
      const due = t0 + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      await client.publishAsync(`dev/${dev.id}/event`, JSON.stringify({ type: 'door.opened', n: i, note: 'x'.repeat(120) }), { qos: 1 });
    }
    await sleep(2000); // the township's acks and the batched deletes
    const after = io(gw.pid);
    await client.endAsync();
    const perEvent = (after.writeBytes - before.writeBytes) / events;
    const wcharPerEvent = (after.wchar - before.wchar) / events;
    return { rate, events, writeBytesPerEvent: Math.round(perEvent), wcharPerEvent: Math.round(wcharPerEvent), perDayMiB: +((perEvent * rate * 86_400) / 2 ** 20).toFixed(1) };
  } finally {
    await gw.stop();
  }
}

async function memoryRun(townshipUrl: string, env: Record<string, string>) {
  const gw = await GatewayProcess.prepare({ uplinkUrl: townshipUrl, devices: DEVICES });
  await gw.start(env, true);
  try {
    await sleep(3000);
    const idle = memory(gw.pid).rssMiB;
    const clients = [];
    for (const d of DEVICES) clients.push(await deviceClient(gw.localPort, d.id, d.password));
    await sleep(3000);
    const m = memory(gw.pid);
    for (const c of clients) await c.endAsync();
    return { idleRssMiB: +idle.toFixed(1), after4LoginsRssMiB: +m.rssMiB.toFixed(1), hwmMiB: +m.hwmMiB.toFixed(1) };
  } finally {
    await gw.stop();
  }
}

async function main(): Promise<void> {
  const township = new Mosquitto();
  await township.start();
  try {
    const seconds = Number(process.env.SD_SECONDS ?? 30);
    const sd = [await sdRun(township.url, 1, seconds), await sdRun(township.url, 20, seconds)];
    const mem = { without: await memoryRun(township.url, {}), with: await memoryRun(township.url, MEMORY_ENV) };
    const mem2 = { without: await memoryRun(township.url, {}), with: await memoryRun(township.url, MEMORY_ENV) };
    process.stdout.write(`${JSON.stringify({ sd, memory: [mem, mem2] }, null, 2)}\n`);
  } finally {
    await township.stop();
  }
}

await main();

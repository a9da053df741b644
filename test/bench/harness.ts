/**
 * One benchmark run: a fresh township Mosquitto, the township subscriber, a fresh village side (our
 * gateway or a bridging Mosquitto), four connected devices and a warm-up event from each that has
 * reached the township. Everything is stopped and removed afterwards, also on error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Devices } from './load.js';
import { PARAMS, RESULTS_DIR, log } from './params.js';
import { cpuTicks, systemBusyTicks } from './proc-stats.js';
import { Subscriber, now, waitUntil } from './subscriber.js';
import { Township, createTarget, type Target, type TargetName } from './targets.js';

export interface RunCtx {
  runId: string;
  township: Township;
  target: Target;
  sub: Subscriber;
  devices: Devices;
}

export async function withRun<T>(name: TargetName, label: string, perDevice: number, body: (ctx: RunCtx) => Promise<T>, deviceCount: number = PARAMS.devices): Promise<T> {
  await waitForQuiet();
  const runId = randomBytes(4).toString('hex');
  const township = new Township();
  let target: Target | undefined;
  let sub: Subscriber | undefined;
  let devices: Devices | undefined;
  try {
    await township.start();
    sub = await Subscriber.start(township.url, runId, perDevice, deviceCount);
    target = await createTarget(name, township, deviceCount);
    await target.start();
    devices = await Devices.connect(target, runId, perDevice);
    await devices.warmup();
    const s = sub;
    if (!(await waitUntil(() => s.warmups >= deviceCount, 30_000, 'the warm-up events at the township'))) throw new Error(`${name}: the path to the township never came up`);
    return await body({ runId, township, target, sub, devices });
  } finally {
    await devices?.close();
    await sub?.stop();
    await target?.stop().catch(() => undefined);
    await township.stop().catch(() => undefined);
    if (target) saveLog(name, label, runId, target.logs());
    target?.dispose();
    township.dispose();
  }
}

/** Waits (bounded) until other processes leave the machine alone; returns their CPU, % of a core. */
export async function waitForQuiet(): Promise<number> {
  if (PARAMS.quietWaitSec === 0) return 0;
  const until = Date.now() + PARAMS.quietWaitSec * 1000;
  let told = false;
  for (;;) {
    const busy0 = systemBusyTicks();
    const own0 = cpuTicks(process.pid);
    await sleep(1000);
    const other = systemBusyTicks() - busy0 - (cpuTicks(process.pid) - own0);
    if (other < PARAMS.quietBelowPct) return other;
    if (Date.now() > until) {
      log(`  other processes still use ${other} % of a core after ${PARAMS.quietWaitSec} s: measuring anyway`);
      return other;
    }
    if (!told) log(`  other processes use ${other} % of a core: waiting up to ${PARAMS.quietWaitSec} s for them to finish`);
    told = true;
  }
}

/** Keeps the village side's log of every run in bench-results/logs/ (gitignored). */
function saveLog(name: TargetName, label: string, runId: string, text: string): void {
  mkdirSync(`${RESULTS_DIR}logs`, { recursive: true });
  writeFileSync(`${RESULTS_DIR}logs/${label}-${name}-${runId}.log`, text);
}

/** Keys the devices had acknowledged that the township never delivered. */
export function missing(devices: Devices, sub: Subscriber): number[] {
  const out: number[] = [];
  for (let k = 0; k < devices.acked.length; k++) if (devices.acked[k] && !sub.seen[k]) out.push(k);
  return out;
}

/**
 * Waits until every acknowledged event arrived, or — once the uplink is known to be up again after
 * `upAt` (gateway birth or bridge `$SYS` state) — nothing new arrived for `quietMs`, or the hard cap.
 */
export async function settle(devices: Devices, sub: Subscriber, upAt = 0): Promise<void> {
  const start = now();
  let lastCheck = '';
  let lastMissing = Infinity;
  await waitUntil(
    () => {
      const t = now();
      const state = `${sub.unique}/${devices.ackedCount}`;
      if (state !== lastCheck) {
        lastCheck = state;
        lastMissing = missing(devices, sub).length;
      }
      if (lastMissing === 0) return true;
      const upKnown = upAt === 0 || sub.lastUplinkUp > upAt;
      return upKnown && t - Math.max(start, sub.lastUnique, sub.lastUplinkUp, upAt) > PARAMS.quietMs;
    },
    PARAMS.hardCapMs,
    'all acknowledged events at the township',
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const sleepUntil = (t0: number, ms: number): Promise<void> => sleep(Math.max(0, t0 + ms - performance.now()));

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Throughput at full speed and latency/CPU/RSS at a fixed 500 events/s, for one target and one run. */
import { missing, percentile, settle, withRun } from './harness.js';
import { PARAMS, log } from './params.js';
import { CpuWindow, ForeignCpu, SelfCpuWindow, memory } from './proc-stats.js';
import { now } from './subscriber.js';
import type { TargetName } from './targets.js';

export interface ThroughputRun {
  eventsPerSec: number;
  /** Rate at which the devices got their PUBACKs. */
  ingestPerSec: number;
  seconds: number;
  acked: number;
  received: number;
  lost: number;
  duplicates: number;
  villageCpuPct: number;
  /** CPU of the bench process itself (devices + subscriber): near 200 % means the bench limits. */
  benchCpuPct: number;
  /** CPU of every other process on the machine (not bench, village side, township), % of a core. */
  otherCpuPct: number;
  /** RSS once started and warmed up, before the load. */
  idleRssMiB: number;
  rssMiB: number;
  peakRssMiB: number;
}

export function throughputRun(name: TargetName, run: number): Promise<ThroughputRun> {
  const perDevice = Math.ceil(PARAMS.throughputEvents / PARAMS.devices);
  return withRun(name, `throughput-${run}`, perDevice, async ({ township, target, sub, devices }) => {
    const idle = memory(target.pid);
    const cpu = new CpuWindow(target.pid);
    const self = new SelfCpuWindow();
    const other = new ForeignCpu(() => [target.pid, township.pid]);
    cpu.start();
    self.start();
    other.start();
    const t0 = now();
    await devices.burst(PARAMS.window);
    const ingestSeconds = (now() - t0) / 1000;
    await settle(devices, sub);
    const villageCpuPct = cpu.stop();
    const benchCpuPct = self.stop();
    const otherCpuPct = other.stop();
    const mem = memory(target.pid);
    const seconds = (sub.lastUnique - t0) / 1000;
    const r: ThroughputRun = {
      eventsPerSec: sub.unique / seconds,
      ingestPerSec: devices.ackedCount / ingestSeconds,
      seconds,
      acked: devices.ackedCount,
      received: sub.unique,
      lost: missing(devices, sub).length,
      duplicates: sub.dups,
      villageCpuPct,
      benchCpuPct,
      otherCpuPct,
      idleRssMiB: idle.rssMiB,
      rssMiB: mem.rssMiB,
      peakRssMiB: mem.hwmMiB,
    };
    log(`  throughput ${name} #${run}: ${r.eventsPerSec.toFixed(0)} ev/s end to end (ingest ${r.ingestPerSec.toFixed(0)} ev/s), ${r.received}/${r.acked} received, lost ${r.lost}, village CPU ${villageCpuPct.toFixed(0)} %, bench CPU ${benchCpuPct.toFixed(0)} %, others ${otherCpuPct.toFixed(0)} %, RSS idle ${r.idleRssMiB.toFixed(1)} MiB, HWM ${r.peakRssMiB.toFixed(1)} MiB`);
    return r;
  });
}

export interface LatencyRun {
  rate: number;
  seconds: number;
  acked: number;
  received: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** % of one core used by the village-side process during the paced window. */
  cpuPct: number;
  /** CPU of every other process on the machine (not bench, village side, township), % of a core. */
  otherCpuPct: number;
  rssMiB: number;
  hwmMiB: number;
}

export function latencyRun(name: TargetName, run: number): Promise<LatencyRun> {
  const total = PARAMS.latencyRate * PARAMS.latencySeconds;
  const perDevice = Math.ceil(total / PARAMS.devices);
  return withRun(name, `latency-${run}`, perDevice, async ({ township, target, sub, devices }) => {
    const cpu = new CpuWindow(target.pid);
    const other = new ForeignCpu(() => [target.pid, township.pid]);
    const t0 = performance.now();
    cpu.start();
    other.start();
    await devices.paced(PARAMS.latencyRate);
    const cpuPct = cpu.stop();
    const otherCpuPct = other.stop();
    const seconds = (performance.now() - t0) / 1000;
    const mem = memory(target.pid);
    await devices.waitAcked(10_000);
    await settle(devices, sub);
    const lat: number[] = [];
    for (let k = 0; k < sub.seen.length; k++) if (sub.seen[k]) lat.push(sub.latency[k]!);
    lat.sort((a, b) => a - b);
    const r: LatencyRun = {
      rate: devices.published / seconds,
      seconds,
      acked: devices.ackedCount,
      received: sub.unique,
      lost: missing(devices, sub).length,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      maxMs: lat[lat.length - 1] ?? NaN,
      cpuPct,
      otherCpuPct,
      rssMiB: mem.rssMiB,
      hwmMiB: mem.hwmMiB,
    };
    log(`  latency ${name} #${run}: ${r.rate.toFixed(0)} ev/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms, CPU ${cpuPct.toFixed(1)} % (others ${otherCpuPct.toFixed(0)} %), RSS ${r.rssMiB.toFixed(1)} MiB (HWM ${r.hwmMiB.toFixed(1)}), lost ${r.lost}`);
    return r;
  });
}

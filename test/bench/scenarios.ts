/**
 * Throughput at full speed, and paced runs (latency/CPU/RSS/bytes written at a fixed rate: 500/s from 4
 * or 20 devices, and the footprint rates of issue 14, item 4), for one target and one run.
 */
import { missing, percentile, settle, sleep, sleepUntil, withRun, type RunCtx } from './harness.js';
import { PARAMS, log } from './params.js';
import { CpuWindow, ForeignCpu, SelfCpuWindow, memory, writeBytes } from './proc-stats.js';
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
  /** Device connections that shared the rate. */
  devices: number;
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
  /**
   * /proc/PID/io write_bytes of the village side from the first publish until every event reached the
   * township (the deletes of acknowledged rows included), per acknowledged event (issue 14, item 4).
   */
  writeBytesPerEvent: number;
}

export interface Paced {
  rate: number;
  seconds: number;
  devices: number;
  /** Names the run in the log and in bench-results/logs/. */
  label: string;
}

/** The latency figures: 500/s in total from the 4 devices for `latencySeconds`. */
export const latency500 = (devices: number = PARAMS.devices): Paced => ({ rate: PARAMS.latencyRate, seconds: PARAMS.latencySeconds, devices, label: devices === PARAMS.devices ? 'latency' : `latency-${devices}dev` });

/** A fixed total rate for a fixed time: latency, CPU, memory and bytes written. */
export function pacedRun(name: TargetName, run: number, p: Paced): Promise<LatencyRun> {
  const perDevice = Math.ceil((p.rate * p.seconds) / p.devices);
  const body = async ({ township, target, sub, devices }: RunCtx): Promise<LatencyRun> => {
    const cpu = new CpuWindow(target.pid);
    const other = new ForeignCpu(() => [target.pid, township.pid]);
    const written0 = writeBytes(target.pid);
    const t0 = performance.now();
    cpu.start();
    other.start();
    await devices.paced(p.rate);
    // The whole window, also at 1/s where the last event is due a period before its end.
    await sleepUntil(t0, p.seconds * 1000);
    const cpuPct = cpu.stop();
    const otherCpuPct = other.stop();
    const seconds = (performance.now() - t0) / 1000;
    const mem = memory(target.pid);
    await devices.waitAcked(10_000);
    await settle(devices, sub);
    await sleep(ACK_DELETE_MS);
    const written = writeBytes(target.pid) - written0;
    const lat: number[] = [];
    for (let k = 0; k < sub.seen.length; k++) if (sub.seen[k]) lat.push(sub.latency[k]!);
    lat.sort((a, b) => a - b);
    const r: LatencyRun = {
      rate: devices.published / seconds,
      devices: p.devices,
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
      writeBytesPerEvent: written / devices.ackedCount,
    };
    log(`  ${p.label} ${name} #${run}: ${r.rate.toFixed(1)} ev/s from ${p.devices} devices, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms, CPU ${cpuPct.toFixed(1)} % (others ${otherCpuPct.toFixed(0)} %), RSS ${r.rssMiB.toFixed(1)} MiB (HWM ${r.hwmMiB.toFixed(1)}), ${r.writeBytesPerEvent.toFixed(0)} bytes written per event, lost ${r.lost}`);
    return r;
  };
  return withRun(name, `${p.label}-${run}`, perDevice, body, p.devices);
}

/** Our outbox deletes acknowledged rows in batches (100 ms): wait for them before reading write_bytes. */
const ACK_DELETE_MS = 500;

/** Aggregates the runs (medians), checks the issue's targets and renders the markdown table. */
import { median } from './harness.js';
import type { DrainRun, OutageRun } from './faults.js';
import { PARAMS, TARGETS } from './params.js';
import type { LatencyRun, ThroughputRun } from './scenarios.js';
import { ALL_TARGETS, type TargetName } from './targets.js';

export interface Raw {
  throughput: Record<TargetName, ThroughputRun[]>;
  latency: Record<TargetName, LatencyRun[]>;
  outage: Record<TargetName, OutageRun[]>;
  outageKill9: Record<TargetName, OutageRun[]>;
  drain: DrainRun[];
  errors: string[];
}

const med = <R>(runs: R[], f: (r: R) => number): number => median(runs.map(f));
const sum = <R>(runs: R[], f: (r: R) => number): number => (runs.length ? runs.reduce((a, r) => a + f(r), 0) : NaN);
const max = <R>(runs: R[], f: (r: R) => number): number => (runs.length ? Math.max(...runs.map(f)) : NaN);
const r2 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 100) / 100 : x);

export function summarize(raw: Raw) {
  const per = (name: TargetName) => {
    const t = raw.throughput[name];
    const l = raw.latency[name];
    return {
      throughputEventsPerSec: r2(med(t, (r) => r.eventsPerSec)),
      ingestEventsPerSec: r2(med(t, (r) => r.ingestPerSec)),
      throughputLost: sum(t, (r) => r.lost),
      throughputVillageCpuPct: r2(med(t, (r) => r.villageCpuPct)),
      throughputBenchCpuPct: r2(med(t, (r) => r.benchCpuPct)),
      throughputOtherCpuPct: r2(med(t, (r) => r.otherCpuPct)),
      idleRssMiB: r2(med(t, (r) => r.idleRssMiB)),
      peakRssFullLoadMiB: r2(max(t, (r) => r.peakRssMiB)),
      p50Ms500: r2(med(l, (r) => r.p50Ms)),
      p99Ms500: r2(med(l, (r) => r.p99Ms)),
      cpuPct500: r2(med(l, (r) => r.cpuPct)),
      otherCpuPct500: r2(med(l, (r) => r.otherCpuPct)),
      rssMiB500: r2(med(l, (r) => r.rssMiB)),
      latencyLost: sum(l, (r) => r.lost),
      outageLost: sum(raw.outage[name], (r) => r.lost),
      outageAcked: sum(raw.outage[name], (r) => r.acked),
      outageDuplicates: sum(raw.outage[name], (r) => r.duplicates),
      outageKill9Lost: sum(raw.outageKill9[name], (r) => r.lost),
      outageKill9Acked: sum(raw.outageKill9[name], (r) => r.acked),
      outageKill9Duplicates: sum(raw.outageKill9[name], (r) => r.duplicates),
    };
  };
  const systems = Object.fromEntries(ALL_TARGETS.map((n) => [n, per(n)])) as Record<TargetName, ReturnType<typeof per>>;
  const d = raw.drain;
  const drain = {
    events: d[0]?.events ?? NaN,
    drainEventsPerSec: r2(med(d, (r) => r.drainPerSec)),
    drainSteadyEventsPerSec: r2(med(d, (r) => r.drainSteadyPerSec)),
    ingestEventsPerSec: r2(med(d, (r) => r.ingestPerSec)),
    reconnectMs: r2(med(d, (r) => r.reconnectMs)),
    criticalFirst: d.length > 0 && d.every((r) => r.criticalFirst),
    lost: sum(d, (r) => r.lost),
    peakRssMiB: r2(max(d, (r) => r.hwmMiB)),
  };
  const ours = systems.ours;
  const bu = systems['bridge-unlimited'];
  const bd = systems['bridge-default'];
  const ratios = {
    throughputVsBridgeUnlimited: r2(ours.throughputEventsPerSec / bu.throughputEventsPerSec),
    throughputVsBridgeDefault: r2(ours.throughputEventsPerSec / bd.throughputEventsPerSec),
    p99VsBridgeUnlimited: r2(ours.p99Ms500 / bu.p99Ms500),
    p99VsBridgeDefault: r2(ours.p99Ms500 / bd.p99Ms500),
    cpuVsBridgeUnlimited: r2(ours.cpuPct500 / bu.cpuPct500),
    cpuVsBridgeDefault: r2(ours.cpuPct500 / bd.cpuPct500),
    rssVsBridgeUnlimited: r2(ours.rssMiB500 / bu.rssMiB500),
  };
  const oursLost = [ours.throughputLost, ours.latencyLost, ours.outageLost, ours.outageKill9Lost, drain.lost];
  const totalLost = oursLost.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const peakRss = Math.max(ours.peakRssFullLoadMiB, Number.isFinite(drain.peakRssMiB) ? drain.peakRssMiB : 0);
  const check = (target: string, value: string, pass: boolean) => ({ target, value, result: pass ? 'pass' : 'MISS' });
  const checks = [
    check('0 events lost (ours, every scenario)', `${totalLost} lost${raw.errors.length ? ` (${raw.errors.length} runs failed)` : ''}`, totalLost === 0 && raw.errors.length === 0),
    check(`throughput >= ${TARGETS.throughputRatio.toFixed(1)}x unlimited bridge`, `${ratios.throughputVsBridgeUnlimited}x`, ratios.throughputVsBridgeUnlimited >= TARGETS.throughputRatio),
    check(`p99 at 500/s <= ${TARGETS.p99Ratio}x bridge`, `${ratios.p99VsBridgeUnlimited}x (${ours.p99Ms500} vs ${bu.p99Ms500} ms)`, ratios.p99VsBridgeUnlimited <= TARGETS.p99Ratio),
    check(`CPU at 500/s <= ${TARGETS.cpuRatio}x bridge`, `${ratios.cpuVsBridgeUnlimited}x (${ours.cpuPct500} vs ${bu.cpuPct500} %)`, ratios.cpuVsBridgeUnlimited <= TARGETS.cpuRatio),
    check(`RSS under full load <= ${TARGETS.rssMiB} MiB`, `${r2(peakRss)} MiB (VmHWM)`, peakRss <= TARGETS.rssMiB),
    check(`backlog drain >= ${TARGETS.drainPerSec}/s, critical first`, `${drain.drainEventsPerSec}/s, critical first: ${drain.criticalFirst}`, drain.drainEventsPerSec >= TARGETS.drainPerSec && drain.criticalFirst),
  ];
  return { systems, drain, ratios, checks };
}

export function renderTable(s: ReturnType<typeof summarize>): string {
  const t = s.systems;
  const row = (label: string, f: (x: (typeof t)['ours']) => number | string, ratio = '') =>
    `| ${label} | ${ALL_TARGETS.map((n) => fmt(f(t[n]))).join(' | ')} | ${ratio} |`;
  const lines = [
    '| metric | ours | bridge (default queue) | bridge (max_queued_messages 0) | ours / unlimited bridge |',
    '|---|---:|---:|---:|---:|',
    row('throughput, events/s (median)', (x) => x.throughputEventsPerSec, `${s.ratios.throughputVsBridgeUnlimited}x`),
    row('device PUBACK rate during it, events/s', (x) => x.ingestEventsPerSec),
    row('lost in the throughput runs (sum)', (x) => x.throughputLost),
    row('village CPU during it, % of a core', (x) => x.throughputVillageCpuPct),
    row('bench process CPU during it, %', (x) => x.throughputBenchCpuPct),
    row('other processes\' CPU during it, %', (x) => x.throughputOtherCpuPct),
    row('p50 at 500/s, ms', (x) => x.p50Ms500, `${r2(t.ours.p50Ms500 / t['bridge-unlimited'].p50Ms500)}x`),
    row('p99 at 500/s, ms', (x) => x.p99Ms500, `${s.ratios.p99VsBridgeUnlimited}x`),
    row('CPU at 500/s, % of a core', (x) => x.cpuPct500, `${s.ratios.cpuVsBridgeUnlimited}x`),
    row('other processes\' CPU at 500/s, %', (x) => x.otherCpuPct500),
    row('RSS at 500/s, MiB', (x) => x.rssMiB500, `${s.ratios.rssVsBridgeUnlimited}x`),
    row('RSS idle after start, MiB', (x) => x.idleRssMiB),
    row('peak RSS (VmHWM) under full load, MiB (max)', (x) => x.peakRssFullLoadMiB),
    row(`outage ${PARAMS.outageMs / 1000} s: lost / acked (sum of ${PARAMS.outageRuns} run(s))`, (x) => `${fmt(x.outageLost)} / ${fmt(x.outageAcked)}`),
    row(`outage ${PARAMS.outageMs / 1000} s: duplicates`, (x) => x.outageDuplicates),
    row(`outage ${PARAMS.outageMs / 1000} s + kill -9: lost / acked (sum)`, (x) => `${fmt(x.outageKill9Lost)} / ${fmt(x.outageKill9Acked)}`),
    row(`outage ${PARAMS.outageMs / 1000} s + kill -9: duplicates`, (x) => x.outageKill9Duplicates),
    '',
    '| backlog drain (ours) | value |',
    '|---|---:|',
    `| events buffered while the township was down | ${fmt(s.drain.events)} |`,
    `| buffering rate (device PUBACKs), events/s | ${fmt(s.drain.ingestEventsPerSec)} |`,
    `| drain, events/s (township start → last arrival) | ${fmt(s.drain.drainEventsPerSec)} |`,
    `| drain, events/s (first → last arrival) | ${fmt(s.drain.drainSteadyEventsPerSec)} |`,
    `| township start → first arrival, ms | ${fmt(s.drain.reconnectMs)} |`,
    `| all critical before the first non-critical | ${s.drain.criticalFirst} |`,
    `| lost (sum of runs) | ${fmt(s.drain.lost)} |`,
    `| peak RSS (VmHWM), MiB (max) | ${fmt(s.drain.peakRssMiB)} |`,
    '',
    '| target | measured | result |',
    '|---|---|---|',
    ...s.checks.map((c) => `| ${c.target} | ${c.value} | ${c.result} |`),
  ];
  return lines.join('\n');
}

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return 'n/a';
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(r2(v));
}

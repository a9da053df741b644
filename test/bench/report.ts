/**
 * Aggregates the runs (medians), the ratios of ours against the null gateway and the unlimited bridge,
 * the footprint figures and the checks of issue 14's target table. The table is in report-table.ts.
 */
import { median } from './harness.js';
import type { DrainRun, OutageRun } from './faults.js';
import { TARGETS } from './params.js';
import type { PublisherRun } from './publisher-alone.js';
import type { LatencyRun, ThroughputRun } from './scenarios.js';
import { ALL_TARGETS, type TargetName } from './targets.js';

export interface Raw {
  throughput: Record<TargetName, ThroughputRun[]>;
  /** 500/s from the 4 devices. */
  latency: Record<TargetName, LatencyRun[]>;
  /** 500/s in total from 20 device connections (ours and the null gateway). */
  latency20: Record<TargetName, LatencyRun[]>;
  /** Ours at the footprint rates other than 500/s (issue 14, item 4), keyed by events/s. */
  footprint: Record<string, LatencyRun[]>;
  outage: Record<TargetName, OutageRun[]>;
  outageKill9: Record<TargetName, OutageRun[]>;
  drain: DrainRun[];
  /** The drain's reference: one mqtt.js client publishing the same events straight to the township. */
  publisherAlone: PublisherRun[];
  errors: string[];
}

export const emptyRaw = (): Raw => {
  const perTarget = <T>(): Record<TargetName, T[]> => ({ ours: [], 'null-gateway': [], 'bridge-default': [], 'bridge-unlimited': [] });
  return { throughput: perTarget(), latency: perTarget(), latency20: perTarget(), footprint: {}, outage: perTarget(), outageKill9: perTarget(), drain: [], publisherAlone: [], errors: [] };
};

const med = <R>(runs: R[], f: (r: R) => number): number => r2(median(runs.map(f)));
const sum = <R>(runs: R[], f: (r: R) => number): number => (runs.length ? runs.reduce((a, r) => a + f(r), 0) : NaN);
const max = <R>(runs: R[], f: (r: R) => number): number => (runs.length ? r2(Math.max(...runs.map(f))) : NaN);
export const r2 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 100) / 100 : x);
/** A figure in a check's text: 'n/a' where it was not measured. */
const show = (x: number): string => (Number.isFinite(x) ? String(r2(x)) : 'n/a');
const orZero = (x: number): number => (Number.isFinite(x) ? x : 0);

function perSystem(raw: Raw, name: TargetName) {
  const t = raw.throughput[name];
  const l = raw.latency[name];
  const l20 = raw.latency20[name];
  return {
    throughputEventsPerSec: med(t, (r) => r.eventsPerSec),
    ingestEventsPerSec: med(t, (r) => r.ingestPerSec),
    throughputLost: sum(t, (r) => r.lost),
    throughputVillageCpuPct: med(t, (r) => r.villageCpuPct),
    throughputBenchCpuPct: med(t, (r) => r.benchCpuPct),
    throughputOtherCpuPct: med(t, (r) => r.otherCpuPct),
    idleRssMiB: med(t, (r) => r.idleRssMiB),
    peakRssFullLoadMiB: max(t, (r) => r.peakRssMiB),
    p50Ms500: med(l, (r) => r.p50Ms),
    p99Ms500: med(l, (r) => r.p99Ms),
    cpuPct500: med(l, (r) => r.cpuPct),
    otherCpuPct500: med(l, (r) => r.otherCpuPct),
    rssMiB500: med(l, (r) => r.rssMiB),
    peakRssMiB500: max(l, (r) => r.hwmMiB),
    writeBytesPerEvent500: med(l, (r) => r.writeBytesPerEvent),
    latencyLost: sum(l, (r) => r.lost),
    p50Ms500Devices20: med(l20, (r) => r.p50Ms),
    p99Ms500Devices20: med(l20, (r) => r.p99Ms),
    cpuPct500Devices20: med(l20, (r) => r.cpuPct),
    otherCpuPct500Devices20: med(l20, (r) => r.otherCpuPct),
    latency20Lost: sum(l20, (r) => r.lost),
    outageLost: sum(raw.outage[name], (r) => r.lost),
    outageAcked: sum(raw.outage[name], (r) => r.acked),
    outageDuplicates: sum(raw.outage[name], (r) => r.duplicates),
    outageKill9Lost: sum(raw.outageKill9[name], (r) => r.lost),
    outageKill9Acked: sum(raw.outageKill9[name], (r) => r.acked),
    outageKill9Duplicates: sum(raw.outageKill9[name], (r) => r.duplicates),
  };
}

export type SystemSummary = ReturnType<typeof perSystem>;

/** The figures compared against the null gateway and the unlimited bridge (ours / theirs). */
const RATIO_FIGURES = ['throughputEventsPerSec', 'cpuPct500', 'p50Ms500', 'p99Ms500', 'p99Ms500Devices20', 'rssMiB500', 'idleRssMiB', 'peakRssMiB500', 'peakRssFullLoadMiB'] as const;
export type RatioFigure = (typeof RATIO_FIGURES)[number];

function ratiosAgainst(ours: SystemSummary, them: SystemSummary): Record<RatioFigure, number> {
  return Object.fromEntries(RATIO_FIGURES.map((f) => [f, r2(ours[f] / them[f])])) as Record<RatioFigure, number>;
}

function summarizeDrain(raw: Raw) {
  const d = raw.drain;
  const publisherAloneEventsPerSec = med(raw.publisherAlone, (r) => r.eventsPerSec);
  const drainEventsPerSec = med(d, (r) => r.drainPerSec);
  return {
    events: d[0]?.events ?? NaN,
    drainEventsPerSec,
    drainSteadyEventsPerSec: med(d, (r) => r.drainSteadyPerSec),
    ingestEventsPerSec: med(d, (r) => r.ingestPerSec),
    reconnectMs: med(d, (r) => r.reconnectMs),
    criticalFirst: d.length > 0 && d.every((r) => r.criticalFirst),
    lost: sum(d, (r) => r.lost),
    peakRssMiB: max(d, (r) => r.hwmMiB),
    publisherAloneEventsPerSec,
    publisherAloneLost: sum(raw.publisherAlone, (r) => r.lost),
    // Both from their first message on: the publisher's clock starts once connected, so ours starts at
    // its first arrival; the reconnect after the township came back is its own figure (reconnectMs,
    // set by the uplink's backoff, not by how fast the backlog goes out).
    vsPublisherAlone: r2(med(d, (r) => r.drainSteadyPerSec) / publisherAloneEventsPerSec),
  };
}

/** Ours at 1, 20 and 500 events/s, for an installer sizing a box (issue 14, item 4). */
function summarizeFootprint(raw: Raw, ours: SystemSummary) {
  const paced = Object.entries(raw.footprint).map(([rate, runs]) => ({
    rate: Number(rate),
    cpuPct: med(runs, (r) => r.cpuPct),
    rssMiB: med(runs, (r) => r.rssMiB),
    hwmMiB: max(runs, (r) => r.hwmMiB),
    writeBytesPerEvent: med(runs, (r) => r.writeBytesPerEvent),
  }));
  const at500 = { rate: 500, cpuPct: ours.cpuPct500, rssMiB: ours.rssMiB500, hwmMiB: ours.peakRssMiB500, writeBytesPerEvent: ours.writeBytesPerEvent500 };
  return { rates: [...paced, at500].sort((a, b) => a.rate - b.rate), idleRssMiB: ours.idleRssMiB, peakRssFullLoadMiB: ours.peakRssFullLoadMiB };
}

export interface Check {
  /** Stable key of one row of issue 14's target table. */
  id: string;
  target: string;
  value: string;
  result: 'pass' | 'MISS';
}

/** Every target of issue 14's table, in its order; an unmeasured figure (NaN) reads MISS. */
export const CHECK_IDS = ['throughput-vs-null', 'throughput-vs-bridge', 'cpu-500-vs-null', 'p99-500-vs-null', 'p99-500-20-devices-vs-null', 'peak-rss-500', 'peak-rss-full-load', 'idle-rss', 'drain-vs-mqttjs', 'lost-zero'] as const;

export function summarize(raw: Raw) {
  const systems = Object.fromEntries(ALL_TARGETS.map((n) => [n, perSystem(raw, n)])) as Record<TargetName, SystemSummary>;
  const ours = systems.ours;
  const drain = summarizeDrain(raw);
  const ratios = { vsNullGateway: ratiosAgainst(ours, systems['null-gateway']), vsBridgeUnlimited: ratiosAgainst(ours, systems['bridge-unlimited']) };
  const footprint = summarizeFootprint(raw, ours);
  const footprintLost = Object.values(raw.footprint).reduce((a, runs) => a + orZero(sum(runs, (r) => r.lost)), 0);
  const totalLost = [ours.throughputLost, ours.latencyLost, ours.latency20Lost, ours.outageLost, ours.outageKill9Lost, drain.lost].reduce((a, b) => a + orZero(b), footprintLost);
  const vn = ratios.vsNullGateway;
  const nul = systems['null-gateway'];
  const x = (ratio: number, a: number, b: number, unit: string): string => `${show(ratio)}x (${show(a)} vs ${show(b)} ${unit})`;
  const check = (id: (typeof CHECK_IDS)[number], target: string, value: string, pass: boolean): Check => ({ id, target, value, result: pass ? 'pass' : 'MISS' });
  const T = TARGETS;
  const checks = [
    check('throughput-vs-null', `throughput >= ${T.throughputVsNull}x the null gateway`, x(vn.throughputEventsPerSec, ours.throughputEventsPerSec, nul.throughputEventsPerSec, 'ev/s'), vn.throughputEventsPerSec >= T.throughputVsNull),
    check('throughput-vs-bridge', `throughput >= ${T.throughputVsBridge}x the unlimited bridge`, x(ratios.vsBridgeUnlimited.throughputEventsPerSec, ours.throughputEventsPerSec, systems['bridge-unlimited'].throughputEventsPerSec, 'ev/s'), ratios.vsBridgeUnlimited.throughputEventsPerSec >= T.throughputVsBridge),
    check('cpu-500-vs-null', `CPU at 500/s <= ${T.cpu500VsNull}x the null gateway`, x(vn.cpuPct500, ours.cpuPct500, nul.cpuPct500, '%'), vn.cpuPct500 <= T.cpu500VsNull),
    check('p99-500-vs-null', `p99 at 500/s <= ${T.p99VsNull}x the null gateway`, x(vn.p99Ms500, ours.p99Ms500, nul.p99Ms500, 'ms'), vn.p99Ms500 <= T.p99VsNull),
    check('p99-500-20-devices-vs-null', `p99 at 500/s from 20 devices <= ${T.p99VsNull}x the null gateway`, x(vn.p99Ms500Devices20, ours.p99Ms500Devices20, nul.p99Ms500Devices20, 'ms'), vn.p99Ms500Devices20 <= T.p99VsNull),
    check('peak-rss-500', `peak RSS (VmHWM) at 500/s <= ${T.peakRssMiB} MiB`, `${show(ours.peakRssMiB500)} MiB`, ours.peakRssMiB500 <= T.peakRssMiB),
    check('peak-rss-full-load', `peak RSS (VmHWM) at full load <= ${T.peakRssMiB} MiB`, `${show(ours.peakRssFullLoadMiB)} MiB`, ours.peakRssFullLoadMiB <= T.peakRssMiB),
    check('idle-rss', `idle RSS <= ${T.idleRssMiB} MiB`, `${show(ours.idleRssMiB)} MiB`, ours.idleRssMiB <= T.idleRssMiB),
    check('drain-vs-mqttjs', `${drain.events}-event backlog drain >= ${T.drainVsPublisher}x mqtt.js publishing alone, critical first`, `${x(drain.vsPublisherAlone, drain.drainSteadyEventsPerSec, drain.publisherAloneEventsPerSec, 'ev/s')}, critical first: ${drain.criticalFirst}`, drain.vsPublisherAlone >= T.drainVsPublisher && drain.criticalFirst),
    check('lost-zero', '0 events lost (ours, every scenario)', `${totalLost} lost${raw.errors.length ? ` (${raw.errors.length} runs failed)` : ''}`, totalLost === 0 && raw.errors.length === 0),
  ];
  return { systems, ratios, footprint, drain, checks };
}

export type Summary = ReturnType<typeof summarize>;

export interface DisturbedRun {
  run: string;
  otherCpuPct: number;
}

/** Runs during which other processes used more than `abovePct` of a core: their figures are suspect. */
export function disturbedRuns(raw: Raw, abovePct: number): DisturbedRun[] {
  const out: DisturbedRun[] = [];
  const add = (kind: string, runs: { otherCpuPct: number }[]): void => runs.forEach((r, i) => out.push({ run: `${kind} #${i + 1}`, otherCpuPct: Math.round(r.otherCpuPct) }));
  for (const n of ALL_TARGETS) {
    add(`throughput ${n}`, raw.throughput[n]);
    add(`latency ${n}`, raw.latency[n]);
    add(`latency-20-devices ${n}`, raw.latency20[n]);
  }
  for (const [rate, runs] of Object.entries(raw.footprint)) add(`footprint ${rate}/s ours`, runs);
  add('drain ours', raw.drain);
  add('drain mqtt.js alone', raw.publisherAlone);
  return out.filter((d) => d.otherCpuPct > abovePct);
}

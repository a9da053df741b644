/** The markdown tables of a bench run: systems side by side with both ratios, footprint, drain, checks. */
import { PARAMS } from './params.js';
import { r2, type RatioFigure, type Summary, type SystemSummary } from './report.js';
import { ALL_TARGETS } from './targets.js';

const HEADS = { ours: 'ours', 'null-gateway': 'null gateway', 'bridge-default': 'bridge (default queue)', 'bridge-unlimited': 'bridge (max_queued_messages 0)' } as const;
const NOT_RUN = 'not run';

export function renderTable(s: Summary): string {
  const row = (label: string, f: (x: SystemSummary) => number | string, ratio?: RatioFigure): string => {
    const cells = ALL_TARGETS.map((n) => fmt(f(s.systems[n])));
    const ratios = ratio ? [times(s.ratios.vsNullGateway[ratio]), times(s.ratios.vsBridgeUnlimited[ratio])] : ['', ''];
    return `| ${label} | ${[...cells, ...ratios].join(' | ')} |`;
  };
  // The null gateway holds nothing durable: it is left out of the outage scenarios by design.
  const outage = (x: SystemSummary, lost: number, acked: number): string => (x === s.systems['null-gateway'] ? NOT_RUN : `${fmt(lost)} / ${fmt(acked)}`);
  const o = `outage ${PARAMS.outageMs / 1000} s`;
  const d = s.drain;
  return [
    `| metric | ${ALL_TARGETS.map((n) => HEADS[n]).join(' | ')} | ours / null gateway | ours / unlimited bridge |`,
    `|---|${ALL_TARGETS.map(() => '---:').join('|')}|---:|---:|`,
    row('throughput, events/s (median)', (x) => x.throughputEventsPerSec, 'throughputEventsPerSec'),
    row('device PUBACK rate during it, events/s', (x) => x.ingestEventsPerSec),
    row('lost in the throughput runs (sum)', (x) => x.throughputLost),
    row('village CPU during it, % of a core', (x) => x.throughputVillageCpuPct),
    row('bench process CPU during it, %', (x) => x.throughputBenchCpuPct),
    row("other processes' CPU during it, %", (x) => x.throughputOtherCpuPct),
    row('p50 at 500/s, ms', (x) => x.p50Ms500, 'p50Ms500'),
    row('p99 at 500/s, ms', (x) => x.p99Ms500, 'p99Ms500'),
    row('CPU at 500/s, % of a core', (x) => x.cpuPct500, 'cpuPct500'),
    row("other processes' CPU at 500/s, %", (x) => x.otherCpuPct500),
    row(`p99 at 500/s from ${PARAMS.manyDevices} devices, ms`, (x) => x.p99Ms500Devices20, 'p99Ms500Devices20'),
    row(`CPU at 500/s from ${PARAMS.manyDevices} devices, % of a core`, (x) => x.cpuPct500Devices20),
    row("other processes' CPU during it, %", (x) => x.otherCpuPct500Devices20),
    row('RSS at 500/s, MiB', (x) => x.rssMiB500, 'rssMiB500'),
    row('peak RSS (VmHWM) at 500/s, MiB (max)', (x) => x.peakRssMiB500, 'peakRssMiB500'),
    row('RSS idle after start, MiB', (x) => x.idleRssMiB, 'idleRssMiB'),
    row('peak RSS (VmHWM) under full load, MiB (max)', (x) => x.peakRssFullLoadMiB, 'peakRssFullLoadMiB'),
    row(`${o}: lost / acked (sum of ${PARAMS.outageRuns} run(s))`, (x) => outage(x, x.outageLost, x.outageAcked)),
    row(`${o}: duplicates`, (x) => (x === s.systems['null-gateway'] ? NOT_RUN : x.outageDuplicates)),
    row(`${o} + kill -9: lost / acked (sum)`, (x) => outage(x, x.outageKill9Lost, x.outageKill9Acked)),
    row(`${o} + kill -9: duplicates`, (x) => (x === s.systems['null-gateway'] ? NOT_RUN : x.outageKill9Duplicates)),
    '',
    'The null gateway is not run in the outage scenarios: it acknowledges before storing anything, so a kill loses all it holds, by design.',
    '',
    '| footprint (ours) | CPU, % of a core | RSS, MiB | VmHWM, MiB | bytes written per event |',
    '|---|---:|---:|---:|---:|',
    ...s.footprint.rates.map((f) => `| ${f.rate} events/s | ${fmt(f.cpuPct)} | ${fmt(f.rssMiB)} | ${fmt(f.hwmMiB)} | ${fmt(f.writeBytesPerEvent)} |`),
    `| idle after start | | ${fmt(s.footprint.idleRssMiB)} | | |`,
    `| full load | | | ${fmt(s.footprint.peakRssFullLoadMiB)} | |`,
    '',
    '| backlog drain | value |',
    '|---|---:|',
    `| events buffered while the township was down | ${fmt(d.events)} |`,
    `| buffering rate (device PUBACKs), events/s | ${fmt(d.ingestEventsPerSec)} |`,
    `| drain, events/s (township start → last arrival) | ${fmt(d.drainEventsPerSec)} |`,
    `| drain, events/s (first → last arrival) | ${fmt(d.drainSteadyEventsPerSec)} |`,
    `| mqtt.js publishing the same events alone, events/s | ${fmt(d.publisherAloneEventsPerSec)} |`,
    `| drain (first → last arrival) / mqtt.js alone | ${times(d.vsPublisherAlone)} |`,
    `| township start → first arrival, ms | ${fmt(d.reconnectMs)} |`,
    `| all critical before the first non-critical | ${d.criticalFirst} |`,
    `| lost (sum of runs) | ${fmt(d.lost)} |`,
    `| peak RSS (VmHWM), MiB (max) | ${fmt(d.peakRssMiB)} |`,
    '',
    '| target (issue 14) | measured | result |',
    '|---|---|---|',
    ...s.checks.map((c) => `| ${c.target} | ${c.value} | ${c.result} |`),
  ].join('\n');
}

const times = (v: number): string => (Number.isFinite(v) ? `${fmt(v)}x` : 'n/a');

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return 'n/a';
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(r2(v));
}

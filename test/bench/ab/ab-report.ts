/** The A/B tool's table: medians with ranges per side, B against A, and the disturbance of every run. */
import { median } from '../harness.js';
import type { LatencyRun, ThroughputRun } from '../scenarios.js';

export interface Side {
  label: string;
  /** The compiled tree it ran; null for the current tree's dist/. */
  dist: string | null;
  throughput: ThroughputRun[];
  latency: LatencyRun[];
}

interface Figure {
  name: string;
  of: (s: Side) => number[];
  digits: number;
}

const FIGURES: Figure[] = [
  { name: 'throughput, events/s', of: (s) => s.throughput.map((r) => r.eventsPerSec), digits: 0 },
  { name: 'CPU at full load, % of a core', of: (s) => s.throughput.map((r) => r.villageCpuPct), digits: 0 },
  // CPU time per event is the figure least bent by other processes: it counts work, not wall time.
  { name: 'CPU per event at full load, µs', of: (s) => s.throughput.map((r) => (r.villageCpuPct / 100) * r.seconds * 1e6 / r.received), digits: 1 },
  { name: 'CPU at 500/s, % of a core', of: (s) => s.latency.map((r) => r.cpuPct), digits: 1 },
  { name: 'p50 at 500/s, ms', of: (s) => s.latency.map((r) => r.p50Ms), digits: 2 },
  { name: 'p99 at 500/s, ms', of: (s) => s.latency.map((r) => r.p99Ms), digits: 2 },
  { name: 'idle RSS, MiB', of: (s) => s.throughput.map((r) => r.idleRssMiB), digits: 1 },
  { name: 'peak RSS (VmHWM) at full load, MiB', of: (s) => s.throughput.map((r) => r.peakRssMiB), digits: 1 },
  { name: 'peak RSS (VmHWM) at 500/s, MiB', of: (s) => s.latency.map((r) => r.hwmMiB), digits: 1 },
  { name: 'lost (sum)', of: (s) => [[...s.throughput, ...s.latency].reduce((n, r) => n + r.lost, 0)], digits: 0 },
];

const cell = (xs: number[], digits: number): string => {
  const v = xs.filter(Number.isFinite);
  if (v.length === 0) return 'n/a';
  const m = median(v).toFixed(digits);
  return v.length === 1 ? m : `${m} (${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)})`;
};

export function renderAb(sides: Side[]): string {
  const [a, b] = sides;
  if (!a || !b) throw new Error('A/B report: two sides expected');
  const lines = [`| figure | ${a.label} | ${b.label} | B/A |`, '|---|---|---|---|'];
  for (const f of FIGURES) {
    const ratio = median(f.of(b)) / median(f.of(a));
    lines.push(`| ${f.name} | ${cell(f.of(a), f.digits)} | ${cell(f.of(b), f.digits)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'} |`);
  }
  lines.push('', 'Other processes, % of a core, per run in order (throughput / 500/s):');
  for (const s of sides) lines.push(`- ${s.label}: ${s.throughput.map((t, i) => `${t.otherCpuPct.toFixed(0)}/${s.latency[i]?.otherCpuPct.toFixed(0) ?? '-'}`).join(', ')}`);
  return lines.join('\n');
}

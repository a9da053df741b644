/** The bench's summary, ratios and checks (issue 14's target table) on synthetic runs. */
import { describe, expect, it } from 'vitest';
import type { DrainRun, OutageRun } from './faults.js';
import type { PublisherRun } from './publisher-alone.js';
import { renderTable } from './report-table.js';
import { CHECK_IDS, disturbedRuns, emptyRaw, summarize, type Raw } from './report.js';
import type { LatencyRun, ThroughputRun } from './scenarios.js';
import type { TargetName } from './targets.js';

const tput = (eventsPerSec: number, o: Partial<ThroughputRun> = {}): ThroughputRun => ({
  eventsPerSec, ingestPerSec: eventsPerSec, seconds: 1, acked: 100, received: 100, lost: 0, duplicates: 0,
  villageCpuPct: 90, benchCpuPct: 100, otherCpuPct: 5, idleRssMiB: 60, rssMiB: 80, peakRssMiB: 90, ...o,
});
const paced = (p99Ms: number, cpuPct: number, o: Partial<LatencyRun> = {}): LatencyRun => ({
  rate: 500, devices: 4, seconds: 10, acked: 5000, received: 5000, lost: 0, p50Ms: p99Ms / 2, p99Ms, maxMs: p99Ms * 2,
  cpuPct, otherCpuPct: 5, rssMiB: 80, hwmMiB: 90, writeBytesPerEvent: 2000, ...o,
});
const outage = (lost: number): OutageRun => ({ published: 100, acked: 100, received: 100 - lost, lost, duplicates: 0, lostSample: [] });
const drain = (drainPerSec: number, o: Partial<DrainRun> = {}): DrainRun => ({
  events: 100_000, acked: 100_000, ingestPerSec: 9000, drainPerSec, drainSteadyPerSec: drainPerSec, reconnectMs: 50,
  received: 100_000, lost: 0, criticals: 1000, criticalsReceived: 1000, criticalFirst: true, hwmMiB: 90, otherCpuPct: 5, ...o,
});
const alone = (eventsPerSec: number): PublisherRun => ({ events: 100_000, received: 100_000, eventsPerSec, lost: 0, otherCpuPct: 5 });

/** Three runs of everything; ours within every target of issue 14 unless `tweak` changes it. */
function synthetic(tweak: (raw: Raw) => void = () => undefined): Raw {
  const raw = emptyRaw();
  const three = <T>(f: (i: number) => T): T[] => [0, 1, 2].map(f);
  const systems: [TargetName, number, number, number][] = [
    // name, throughput, p99 at 500/s, CPU at 500/s
    ['ours', 15_000, 3.0, 12],
    ['null-gateway', 16_000, 3.0, 10],
    ['bridge-default', 18_000, 1.5, 2],
    ['bridge-unlimited', 20_000, 1.5, 2],
  ];
  for (const [name, eventsPerSec, p99, cpu] of systems) {
    // Runs of 0.9x, 1x and 1.1x: the median is the middle one.
    raw.throughput[name] = three((i) => tput(eventsPerSec * (0.9 + i * 0.1)));
    raw.latency[name] = three((i) => paced(p99 * (0.9 + i * 0.1), cpu));
    if (name === 'ours' || name === 'null-gateway') raw.latency20[name] = three(() => paced(p99, cpu, { devices: 20 }));
    if (name !== 'null-gateway') raw.outageKill9[name] = [outage(name === 'ours' ? 0 : 500)];
  }
  raw.footprint = { '1': three(() => paced(1, 0.5, { rate: 1 })), '20': three(() => paced(2, 1.5, { rate: 20 })) };
  raw.drain = three(() => drain(30_000));
  raw.publisherAlone = three(() => alone(35_000));
  tweak(raw);
  return raw;
}

const resultOf = (raw: Raw, id: (typeof CHECK_IDS)[number]) => summarize(raw).checks.find((c) => c.id === id)?.result;

describe('bench summary (issue 14 targets)', () => {
  it('checks every row of issue 14 in order, all pass when ours is within them', () => {
    const s = summarize(synthetic());
    expect(s.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(s.checks.filter((c) => c.result !== 'pass')).toEqual([]);
  });

  it('gives every ratio against the null gateway and the unlimited bridge, from the medians', () => {
    const { ratios, systems } = summarize(synthetic());
    expect(systems.ours.throughputEventsPerSec).toBe(15_000);
    expect(ratios.vsNullGateway.throughputEventsPerSec).toBe(0.94); // 15,000 / 16,000
    expect(ratios.vsBridgeUnlimited.throughputEventsPerSec).toBe(0.75);
    expect(ratios.vsNullGateway.cpuPct500).toBe(1.2);
    expect(ratios.vsBridgeUnlimited.cpuPct500).toBe(6);
    expect(ratios.vsNullGateway.p99Ms500).toBe(1);
    expect(ratios.vsBridgeUnlimited.p99Ms500).toBe(2);
    expect(ratios.vsNullGateway.p99Ms500Devices20).toBe(1);
  });

  it('a missed target reads MISS: throughput 0.8x the null gateway', () => {
    const raw = synthetic((r) => (r.throughput.ours = [tput(12_800), tput(12_800), tput(12_800)]));
    expect(resultOf(raw, 'throughput-vs-null')).toBe('MISS');
    expect(resultOf(raw, 'throughput-vs-bridge')).toBe('MISS'); // 0.64x the bridge
    expect(resultOf(raw, 'cpu-500-vs-null')).toBe('pass');
  });

  it('CPU, p99 (also from 20 devices), RSS and drain each MISS on their own', () => {
    expect(resultOf(synthetic((r) => (r.latency.ours = [paced(3, 13), paced(3, 13), paced(3, 13)])), 'cpu-500-vs-null')).toBe('MISS'); // 1.3x
    expect(resultOf(synthetic((r) => (r.latency.ours = [paced(3.3, 12), paced(3.3, 12), paced(3.3, 12)])), 'p99-500-vs-null')).toBe('MISS'); // 1.1x
    expect(resultOf(synthetic((r) => (r.latency20.ours = [paced(3.3, 12)])), 'p99-500-20-devices-vs-null')).toBe('MISS');
    expect(resultOf(synthetic((r) => r.latency.ours.push(paced(3, 12, { hwmMiB: 97 }))), 'peak-rss-500')).toBe('MISS'); // the max, not the median
    expect(resultOf(synthetic((r) => r.throughput.ours.push(tput(15_000, { peakRssMiB: 100 }))), 'peak-rss-full-load')).toBe('MISS');
    expect(resultOf(synthetic((r) => (r.throughput.ours = [tput(15_000, { idleRssMiB: 71 })])), 'idle-rss')).toBe('MISS');
    expect(resultOf(synthetic((r) => (r.drain = [drain(27_000)])), 'drain-vs-mqttjs')).toBe('MISS'); // 0.77x
    expect(resultOf(synthetic((r) => (r.drain = [drain(34_000, { criticalFirst: false })])), 'drain-vs-mqttjs')).toBe('MISS');
  });

  it('a figure that was not measured reads MISS, shown as n/a', () => {
    const raw = synthetic((r) => (r.latency20.ours = []));
    const check = summarize(raw).checks.find((c) => c.id === 'p99-500-20-devices-vs-null');
    expect(check).toMatchObject({ result: 'MISS', value: expect.stringContaining('n/a') });
  });

  it('one event lost in any scenario of ours, or a failed run, is a MISS; the bridges losing is not', () => {
    expect(resultOf(synthetic(), 'lost-zero')).toBe('pass');
    expect(resultOf(synthetic((r) => r.footprint['1']!.push(paced(1, 0.5, { lost: 1 }))), 'lost-zero')).toBe('MISS');
    expect(resultOf(synthetic((r) => r.latency20.ours.push(paced(3, 12, { lost: 1 }))), 'lost-zero')).toBe('MISS');
    expect(resultOf(synthetic((r) => (r.outageKill9.ours = [outage(1)])), 'lost-zero')).toBe('MISS');
    expect(resultOf(synthetic((r) => r.errors.push('latency ours #2: boom')), 'lost-zero')).toBe('MISS');
  });

  it('the footprint holds ours at 1, 20 and 500 events/s with bytes written per event', () => {
    const { footprint } = summarize(synthetic());
    expect(footprint.rates.map((f) => f.rate)).toEqual([1, 20, 500]);
    expect(footprint.rates[2]).toMatchObject({ cpuPct: 12, writeBytesPerEvent: 2000 });
    expect(footprint).toMatchObject({ idleRssMiB: 60, peakRssFullLoadMiB: 90 });
  });

  it('lists disturbed runs of every kind, the null gateway included', () => {
    const raw = synthetic((r) => {
      r.throughput['null-gateway'][1]!.otherCpuPct = 40;
      r.drain[0]!.otherCpuPct = 30;
    });
    expect(disturbedRuns(raw, 25)).toEqual([
      { run: 'throughput null-gateway #2', otherCpuPct: 40 },
      { run: 'drain ours #1', otherCpuPct: 30 },
    ]);
  });

  it('renders both ratio columns, the null gateway left out of the outages, and MISS rows', () => {
    const table = renderTable(summarize(synthetic((r) => (r.throughput.ours = [tput(12_800)]))));
    expect(table).toContain('| ours / null gateway | ours / unlimited bridge |');
    expect(table).toMatch(/\| throughput, events\/s \(median\) \| 12,800 \| 16,000 \| 18,000 \| 20,000 \| 0\.8x \| 0\.64x \|/);
    expect(table).toMatch(/kill -9: lost \/ acked \(sum\) \| 0 \/ 100 \| not run \| 500 \/ 100 \|/);
    expect(table).toMatch(/throughput >= 0\.9x the null gateway \| .* \| MISS \|/);
  });
});

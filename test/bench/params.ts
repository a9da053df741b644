/**
 * Benchmark parameters from the environment. BENCH_QUICK=1 shrinks every count so the whole run is a
 * smoke check of well under a minute; the full run follows issue 2 ("Benchmark").
 */
const quick = process.env.BENCH_QUICK === '1';
const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}=${raw}: expected a positive integer`);
  return v;
};

export const PARAMS = {
  quick,
  /** Repetitions of throughput, latency and drain; medians are reported. */
  runs: int('BENCH_RUNS', quick ? 1 : 3),
  /** Repetitions of each outage scenario (losses of every run are reported). */
  outageRuns: int('BENCH_OUTAGE_RUNS', 1),
  devices: 4,
  payloadBytes: 200,
  /** Throughput: events in total, and QoS 1 publishes in flight per device. */
  throughputEvents: int('BENCH_N', quick ? 2_000 : 20_000),
  window: int('BENCH_WINDOW', 100),
  /** Latency/CPU: fixed total rate for a fixed time. */
  latencyRate: 500,
  latencySeconds: int('BENCH_LATENCY_SECONDS', quick ? 2 : 10),
  /** Outage: events at a fixed rate; the township is down from `outageAtMs` for `outageMs`. */
  outageEvents: quick ? 3_000 : 10_000,
  outageRate: 1_000,
  outageAtMs: quick ? 800 : 3_000,
  outageMs: quick ? 1_000 : 4_000,
  /** kill -9 of the village side this long after the township went down; restarted after `downMs`. */
  killAfterOutageMs: quick ? 400 : 1_500,
  killDownMs: 1_000,
  /** Backlog drain: events buffered while the township is down; every `criticalEvery`th is critical. */
  drainEvents: int('BENCH_DRAIN_N', quick ? 5_000 : 100_000),
  criticalEvery: 100,
  /** How long we wait for stragglers once the uplink is back and nothing new arrives. */
  quietMs: quick ? 2_000 : 5_000,
  /** Give up waiting for a run after this long (a broken target must not hang the bench). */
  hardCapMs: quick ? 20_000 : 120_000,
} as const;

export const TARGETS = {
  rssMiB: 96,
  throughputRatio: 1.0,
  p99Ratio: 2,
  cpuRatio: 3,
  drainPerSec: 10_000,
} as const;

export const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/**
 * Benchmark parameters from the environment. BENCH_QUICK=1 shrinks every count so the whole run is a
 * smoke check of about a minute; the full run follows issue 2 ("Benchmark") and issue 14.
 */
const quick = process.env.BENCH_QUICK === '1';
const int = (name: string, fallback: number, min = 1): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name}=${raw}: expected an integer >= ${min}`);
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
  // 100,000: at 20–40k events/s a 20,000-event run lasted under a second and measured JIT warm-up as
  // much as throughput (issue 14: ours 19.4k/s with 20,000, 27.3k/s with 100,000 on the same build).
  throughputEvents: int('BENCH_N', quick ? 2_000 : 100_000),
  window: int('BENCH_WINDOW', 100),
  /** Latency/CPU: fixed total rate for a fixed time. */
  latencyRate: 500,
  latencySeconds: int('BENCH_LATENCY_SECONDS', quick ? 1 : 10),
  /** The latency variant with many device connections sharing the 500/s (issue 14). */
  manyDevices: 20,
  /**
   * Footprint (issue 14, item 4): ours paced at these rates (500/s comes from the latency runs) for
   * `footprintSeconds` each, long enough at 1/s that one clock tick of CPU is not the figure.
   */
  footprintRates: [1, 20],
  footprintSeconds: int('BENCH_FOOTPRINT_SECONDS', quick ? 2 : 25),
  /** Outage: events at a fixed rate; the township is down from `outageAtMs` for `outageMs`. */
  outageEvents: quick ? 2_000 : 10_000,
  outageRate: 1_000,
  outageAtMs: quick ? 500 : 3_000,
  outageMs: quick ? 1_000 : 4_000,
  /** kill -9 of the village side this long after the township went down; restarted after `downMs`. */
  killAfterOutageMs: quick ? 300 : 1_500,
  killDownMs: 1_000,
  /** Backlog drain: events buffered while the township is down; every `criticalEvery`th is critical. */
  drainEvents: int('BENCH_DRAIN_N', quick ? 3_000 : 100_000),
  criticalEvery: 100,
  /** How long we wait for stragglers once the uplink is back and nothing new arrives. */
  quietMs: quick ? 1_000 : 5_000,
  /**
   * Outage scenarios to run: plain, and with a kill -9. The quick run does only the second (a superset
   * of the first): Mosquitto 2.0.11's bridge takes ~6 s to reconnect whatever `restart_timeout` says.
   */
  outageKills: quick ? [true] : [false, true],
  /**
   * Before each run, wait up to this long for other processes to use less than `quietBelowPct` of a
   * core (a compile or test run on a 2-core box skews every figure). 0 = do not wait.
   */
  quietWaitSec: int('BENCH_QUIET_WAIT_S', quick ? 0 : 60, 0),
  quietBelowPct: 20,
  /** Give up waiting for a run after this long (a broken target must not hang the bench). */
  hardCapMs: quick ? 20_000 : 120_000,
} as const;

/** Issue 14's targets: ratios against the null gateway, the unlimited bridge and mqtt.js alone. */
export const TARGETS = {
  throughputVsNull: 0.9,
  throughputVsBridge: 0.7,
  cpu500VsNull: 1.25,
  /** Also with `manyDevices` connections. */
  p99VsNull: 1.05,
  /** VmHWM at 500/s and at full load. */
  peakRssMiB: 96,
  idleRssMiB: 70,
  drainVsPublisher: 0.8,
} as const;

/** Where `latest.json` and the village-side logs go; BENCH_RESULTS_DIR moves them (the bench's own test does). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ? `${process.env.BENCH_RESULTS_DIR.replace(/\/$/, '')}/` : new URL('../../bench-results/', import.meta.url).pathname;

export const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/**
 * `npm run bench`: device → gateway → township Mosquitto against a plain Mosquitto bridge, on
 * loopback, QoS 1, 200-byte payloads, 4 device connections (issue 2, "Benchmark"). Prints a markdown
 * table and a JSON object, and writes the JSON to bench-results/latest.json.
 * BENCH_QUICK=1: small counts, one run (a smoke check). BENCH_RUNS, BENCH_OUTAGE_RUNS, BENCH_N,
 * BENCH_WINDOW, BENCH_LATENCY_SECONDS, BENCH_DRAIN_N override the counts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { killAll, installSignalCleanup } from './cleanup.js';
import { drainRun, outageRun } from './faults.js';
import { RESULTS_DIR } from './harness.js';
import { PARAMS, TARGETS, log } from './params.js';
import { renderTable, summarize, type Raw } from './report.js';
import { latencyRun, throughputRun } from './scenarios.js';
import { ALL_TARGETS, type TargetName } from './targets.js';
import { hasTool } from '../support/tools.js';

const perTarget = <T>(): Record<TargetName, T[]> => ({ ours: [], 'bridge-default': [], 'bridge-unlimited': [] });

async function attempt<T>(what: string, into: T[], errors: string[], f: () => Promise<T>): Promise<void> {
  try {
    into.push(await f());
  } catch (err) {
    const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    errors.push(msg);
    log(`  FAILED ${msg}`);
  }
}

async function main(): Promise<void> {
  if (!hasTool('mosquitto')) throw new Error('mosquitto is not installed (Debian: apt-get install -y mosquitto)');
  installSignalCleanup();
  const started = Date.now();
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
  const raw: Raw = { throughput: perTarget(), latency: perTarget(), outage: perTarget(), outageKill9: perTarget(), drain: [], errors: [] };
  log(`params: ${JSON.stringify(PARAMS)}`);

  for (let run = 1; run <= PARAMS.runs; run++) {
    log(`throughput run ${run}/${PARAMS.runs}: ${PARAMS.throughputEvents} events, window ${PARAMS.window} per device`);
    for (const name of ALL_TARGETS) await attempt(`throughput ${name} #${run}`, raw.throughput[name], raw.errors, () => throughputRun(name, run));
  }
  for (let run = 1; run <= PARAMS.runs; run++) {
    log(`latency run ${run}/${PARAMS.runs}: ${PARAMS.latencyRate}/s for ${PARAMS.latencySeconds} s`);
    for (const name of ALL_TARGETS) await attempt(`latency ${name} #${run}`, raw.latency[name], raw.errors, () => latencyRun(name, run));
  }
  for (let run = 1; run <= PARAMS.outageRuns; run++) {
    for (const kill of PARAMS.outageKills) {
      log(`outage${kill ? ' + kill -9' : ''} run ${run}/${PARAMS.outageRuns}: ${PARAMS.outageEvents} events at ${PARAMS.outageRate}/s, township down ${PARAMS.outageMs} ms`);
      for (const name of ALL_TARGETS) await attempt(`outage${kill ? '-kill9' : ''} ${name} #${run}`, (kill ? raw.outageKill9 : raw.outage)[name], raw.errors, () => outageRun(name, kill, run));
    }
  }
  for (let run = 1; run <= PARAMS.runs; run++) {
    log(`backlog drain run ${run}/${PARAMS.runs}: ${PARAMS.drainEvents} events`);
    await attempt(`drain #${run}`, raw.drain, raw.errors, () => drainRun(run));
  }

  const summary = summarize(raw);
  const disturbed = (['throughput', 'latency'] as const).flatMap((kind) =>
    ALL_TARGETS.flatMap((n) => raw[kind][n].map((r, i) => ({ run: `${kind} ${n} #${i + 1}`, otherCpuPct: Math.round(r.otherCpuPct) }))),
  ).filter((d) => d.otherCpuPct > 25);
  const result = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      mosquitto: spawnSync('mosquitto', ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim(),
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      durationSec: Math.round((Date.now() - started) / 1000),
      /** Other load on the machine skews every figure: compare these with the bench's own. */
      loadavgBefore: loadBefore,
      loadavgAfter: readFileSync('/proc/loadavg', 'utf8').trim(),
      /** Runs during which other processes used more than 25 % of a core: their figures are suspect. */
      disturbedRuns: disturbed,
      params: PARAMS,
      notes: [
        'Medians over runs; losses are summed over runs. Ratios are against the bridge with max_queued_messages 0 (unlimited).',
        'CPU: utime+stime from /proc/PID/stat of the village-side process (our gateway, or the village Mosquitto), % of one core.',
        'Peak RSS under full load: the largest VmHWM of the gateway at the end of a throughput run.',
        'Bench process CPU near 200 % would mean the load generator (devices + subscriber) limits the throughput figure.',
        ...(PARAMS.quick ? ['QUICK smoke run: small counts, one run, outage only with kill -9. Not figures to compare.'] : []),
      ],
    },
    targets: TARGETS,
    ...summary,
    errors: raw.errors,
    raw,
  };
  console.log(renderTable(summary));
  if (disturbed.length) console.log(`\nRuns disturbed by other processes (> 25 % of a core): ${disturbed.map((d) => `${d.run} (${d.otherCpuPct} %)`).join(', ')}`);
  if (raw.errors.length) console.log(`\nErrors:\n${raw.errors.map((e) => `- ${e}`).join('\n')}`);
  const { raw: _raw, ...printed } = result;
  console.log(`\n${JSON.stringify(printed, null, 2)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${RESULTS_DIR}latest.json (with per-run figures under "raw"); village-side logs in ${RESULTS_DIR}logs/`);
}

main()
  .catch((err: unknown) => {
    log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => killAll());

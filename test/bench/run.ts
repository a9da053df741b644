/**
 * `npm run bench`: device → gateway → township Mosquitto, on loopback, QoS 1, 200-byte payloads, 4
 * device connections (issue 2, "Benchmark"), against the null gateway (the ceiling of our libraries,
 * issue 14) and a plain Mosquitto bridge, interleaved run by run. Prints markdown tables and a JSON
 * object, and writes the JSON to bench-results/latest.json (BENCH_RESULTS_DIR moves it).
 * BENCH_QUICK=1: small counts, one run (a smoke check). BENCH_RUNS, BENCH_OUTAGE_RUNS, BENCH_N,
 * BENCH_WINDOW, BENCH_LATENCY_SECONDS, BENCH_FOOTPRINT_SECONDS, BENCH_DRAIN_N override the counts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { killAll, installSignalCleanup } from './cleanup.js';
import { drainRun, outageRun } from './faults.js';
import { PARAMS, RESULTS_DIR, TARGETS, log } from './params.js';
import { publisherAloneRun } from './publisher-alone.js';
import { renderTable } from './report-table.js';
import { disturbedRuns, emptyRaw, summarize } from './report.js';
import { latency500, pacedRun, throughputRun } from './scenarios.js';
import { ALL_TARGETS, FAULT_TARGETS, type TargetName } from './targets.js';
import { hasTool } from '../support/tools.js';

/** The targets of the 20-device latency variant (issue 14: ours and the null gateway at least). */
const MANY_DEVICE_TARGETS: TargetName[] = ['ours', 'null-gateway'];
/** A run is flagged as disturbed above this (other processes' CPU, % of a core). */
const DISTURBED_ABOVE_PCT = 25;

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
  const raw = emptyRaw();
  log(`params: ${JSON.stringify(PARAMS)}`);

  for (let run = 1; run <= PARAMS.runs; run++) {
    log(`throughput run ${run}/${PARAMS.runs}: ${PARAMS.throughputEvents} events, window ${PARAMS.window} per device`);
    for (const name of ALL_TARGETS) await attempt(`throughput ${name} #${run}`, raw.throughput[name], raw.errors, () => throughputRun(name, run));
  }
  for (let run = 1; run <= PARAMS.runs; run++) {
    log(`latency run ${run}/${PARAMS.runs}: ${PARAMS.latencyRate}/s for ${PARAMS.latencySeconds} s`);
    for (const name of ALL_TARGETS) await attempt(`latency ${name} #${run}`, raw.latency[name], raw.errors, () => pacedRun(name, run, latency500()));
  }
  for (let run = 1; run <= PARAMS.runs; run++) {
    log(`latency run ${run}/${PARAMS.runs} with ${PARAMS.manyDevices} devices: ${PARAMS.latencyRate}/s in total for ${PARAMS.latencySeconds} s`);
    for (const name of MANY_DEVICE_TARGETS) await attempt(`latency-20-devices ${name} #${run}`, raw.latency20[name], raw.errors, () => pacedRun(name, run, latency500(PARAMS.manyDevices)));
  }
  for (let run = 1; run <= PARAMS.runs; run++) {
    for (const rate of PARAMS.footprintRates) {
      log(`footprint run ${run}/${PARAMS.runs}: ours at ${rate}/s for ${PARAMS.footprintSeconds} s`);
      const into = (raw.footprint[String(rate)] ??= []);
      await attempt(`footprint ${rate}/s #${run}`, into, raw.errors, () => pacedRun('ours', run, { rate, seconds: PARAMS.footprintSeconds, devices: PARAMS.devices, label: `footprint-${rate}` }));
    }
  }
  for (let run = 1; run <= PARAMS.outageRuns; run++) {
    for (const kill of PARAMS.outageKills) {
      log(`outage${kill ? ' + kill -9' : ''} run ${run}/${PARAMS.outageRuns}: ${PARAMS.outageEvents} events at ${PARAMS.outageRate}/s, township down ${PARAMS.outageMs} ms`);
      for (const name of FAULT_TARGETS) await attempt(`outage${kill ? '-kill9' : ''} ${name} #${run}`, (kill ? raw.outageKill9 : raw.outage)[name], raw.errors, () => outageRun(name, kill, run));
    }
  }
  for (let run = 1; run <= PARAMS.runs; run++) {
    log(`backlog drain run ${run}/${PARAMS.runs}: ${PARAMS.drainEvents} events, then mqtt.js publishing them alone`);
    await attempt(`drain #${run}`, raw.drain, raw.errors, () => drainRun(run));
    await attempt(`mqtt.js alone #${run}`, raw.publisherAlone, raw.errors, () => publisherAloneRun(run));
  }

  const summary = summarize(raw);
  const disturbed = disturbedRuns(raw, DISTURBED_ABOVE_PCT);
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
      /** Runs (every target's, the null gateway's too) during which other processes used more than 25 % of a core: their figures are suspect. */
      disturbedRuns: disturbed,
      params: PARAMS,
      notes: [
        'Medians over runs; losses are summed over runs. Ratios (ours / theirs) are against the null gateway and against the bridge with max_queued_messages 0 (unlimited).',
        'Null gateway: aedes -> mqtt.js (MQTT 5, QoS 1, our uplink window), PUBACK at once, no storage, plain JS in its own process. Not run in the outage scenarios: it loses everything it holds on a kill, by design.',
        `Latency with ${PARAMS.manyDevices} devices: the same 500/s in total from ${PARAMS.manyDevices} connections (ours and the null gateway).`,
        'Paced devices are spread in time since issue 14 (device d a d/devices period behind device 0); before, the 4 published in the same millisecond, which weighs on p99 when comparing with older runs.',
        'Drain reference: one mqtt.js client publishing the same events QoS 1 with our uplink window straight to the township Mosquitto.',
        'Footprint: ours paced at each rate (500/s from the latency runs); bytes written per event = /proc/PID/io write_bytes from the first publish until all reached the township, / events.',
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
  if (disturbed.length) console.log(`\nRuns disturbed by other processes (> ${DISTURBED_ABOVE_PCT} % of a core): ${disturbed.map((d) => `${d.run} (${d.otherCpuPct} %)`).join(', ')}`);
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

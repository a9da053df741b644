/**
 * `npm run fleet -- county` (issue 16, item 5): a county on one Mosquitto — 2,000 simulated gateways
 * (spread over several simulator processes) at 1 event/s each on average; after 20 s, 5 % of them replay
 * the backlog of a 10-minute township outage (600 events each, 200/s each) — into 1, 2 and 4 archivers
 * on PostgreSQL in one shared subscription, 8 connections each (COUNTY_CONNECTIONS). Per run: sustained ingest (rows/s),
 * archive lag of live events (publish → commit; p50 and p99), drain time of the replay, CPU and RSS per
 * archiver; then every acknowledged event counted in PostgreSQL: 0 lost, 0 twice.
 * Env: COUNTY_GATEWAYS (2000), COUNTY_SIMS (4), COUNTY_ARCHIVERS ("1,2,4"), COUNTY_STEADY_SEC (20), COUNTY_CONNECTIONS (8).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { Mosquitto } from '../support/mosquitto.js';
import { PostgresServer } from '../support/postgres.js';
import { Child } from './bench-child.js';

const GATEWAYS = Number(process.env.COUNTY_GATEWAYS ?? 2000);
const SIMS = Number(process.env.COUNTY_SIMS ?? 4);
const ARCHIVERS = (process.env.COUNTY_ARCHIVERS ?? '1,2,4').split(',').map(Number);
const STEADY_SEC = Number(process.env.COUNTY_STEADY_SEC ?? 20);
const CONNECTIONS = Number(process.env.COUNTY_CONNECTIONS ?? 8);
const BURST = { gateways: Math.round((GATEWAYS * 0.05) / SIMS), events: 600, perSec: 200 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number | null => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number) : null);

interface RunResult {
  archivers: number;
  steadyRowsPerSec: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  burstLagP99Ms: number | null;
  drainSec: number | null;
  peakRowsPerSec: number;
  cpuPctPerArchiver: number[];
  rssMiBPerArchiver: number[];
  acked: number;
  archived: number;
  distinct: number;
  lost: number;
  twice: number;
}

async function run(server: PostgresServer, archivers: number): Promise<RunResult> {
  const admin = new pg.Client(server.url);
  await admin.connect();
  const dbName = `county${archivers}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = server.url.replace(/\/vgw$/, `/${dbName}`);
  const broker = new Mosquitto();
  await broker.start();
  const consumers = Array.from({ length: archivers }, (_, i) => new Child('fleet-consumer.ts', [JSON.stringify({ url: broker.url, clientId: `county-archiver-${i + 1}`, postgres: url, connections: CONNECTIONS, share: 'county' })]));
  await Promise.all(consumers.map((c) => c.start()));
  const per = Math.ceil(GATEWAYS / SIMS);
  const sims = Array.from({ length: SIMS }, (_, i) => new Child('fleet-sim.ts', [broker.url, String(Math.min(per, GATEWAYS - i * per)), String(i * per)]));
  await Promise.all(sims.map((s) => s.start()));
  const stored = () => consumers.reduce((n, c) => n + (c.last.stored ?? 0), 0);
  const acked = () => sims.reduce((n, s) => n + (s.last.acked ?? 0), 0);
  const cpu = () => consumers.map((c) => c.last.cpuMs ?? 0);
  const lagSamples = { p50: [] as number[], p99: [] as number[] };
  const sample = (into: { p50: number[]; p99: number[] }) => {
    for (const c of consumers) {
      if (c.last.lagN) {
        into.p50.push(c.last.lagP50 ?? 0);
        into.p99.push(c.last.lagP99 ?? 0);
      }
    }
  };
  for (const s of sims) s.proc.send({ rate: GATEWAYS / SIMS });
  await sleep(3000);
  const [t0, s0, c0] = [performance.now(), stored(), cpu()];
  const until = t0 + STEADY_SEC * 1000;
  while (performance.now() < until) {
    await sleep(200);
    sample(lagSamples);
  }
  const [t1, s1, c1] = [performance.now(), stored(), cpu()];
  const steadyRowsPerSec = Math.round(((s1 - s0) * 1000) / (t1 - t0));
  // The outage's backlog, on top of the steady load.
  for (const s of sims) s.proc.send({ burst: BURST });
  const burstLag = { p50: [] as number[], p99: [] as number[] };
  const burstStart = performance.now();
  const burstTotal = BURST.gateways * SIMS * BURST.events;
  let drainSec: number | null = null;
  let peak = 0;
  let [lastT, lastS] = [burstStart, stored()];
  while (performance.now() - burstStart < 120_000) {
    await sleep(500);
    sample(burstLag);
    const [t, n] = [performance.now(), stored()];
    peak = Math.max(peak, ((n - lastS) * 1000) / (t - lastT));
    [lastT, lastS] = [t, n];
    // Drained: the replay is sent, and the archive has every acknowledged event so far.
    if (sims.reduce((k, s) => k + (s.last.replayed ?? 0), 0) >= burstTotal && n >= acked()) {
      drainSec = Math.round((t - burstStart) / 100) / 10;
      break;
    }
  }
  for (const s of sims) s.proc.send({ rate: 0 });
  await sleep(1000);
  const end = performance.now() + 30_000;
  while (stored() < acked() && performance.now() < end) await sleep(200);
  const result = { acked: acked() };
  await Promise.all(sims.map((s) => s.stop()));
  const rss = consumers.map((c) => Math.round(c.last.rssMiB ?? 0));
  await Promise.all(consumers.map((c) => c.stop()));
  await broker.stop();
  const q = new pg.Client(url);
  await q.connect();
  const r = await q.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT id) AS d FROM events');
  await q.end();
  const [archived, distinct] = [Number(r.rows[0]?.n), Number(r.rows[0]?.d)];
  return {
    archivers,
    steadyRowsPerSec,
    lagP50Ms: median(lagSamples.p50),
    lagP99Ms: median(lagSamples.p99),
    burstLagP99Ms: median(burstLag.p99),
    drainSec,
    peakRowsPerSec: Math.round(peak),
    cpuPctPerArchiver: c1.map((c, i) => Math.round(((c - (c0[i] ?? 0)) / (t1 - t0)) * 100)),
    rssMiBPerArchiver: rss,
    acked: result.acked,
    archived,
    distinct,
    // Every acknowledged event once: at-least-once delivery may add events acked after the count.
    lost: Math.max(0, result.acked - distinct),
    twice: archived - distinct,
  };
}

export async function countyBenchmark(): Promise<void> {
  console.log(`county benchmark: ${GATEWAYS} gateways in ${SIMS} simulator processes, 1 event/s each, ${STEADY_SEC} s steady, then ${BURST.gateways * SIMS} replay ${BURST.events} events at ${BURST.perSec}/s; archivers ${ARCHIVERS.join('/')} on PostgreSQL`);
  const server = new PostgresServer();
  await server.start();
  const results: RunResult[] = [];
  try {
    for (const n of ARCHIVERS) {
      const r = await run(server, n);
      results.push(r);
      console.log(`  ${JSON.stringify(r)}`);
    }
  } finally {
    server.destroy();
  }
  console.log('\narchivers  steady rows/s  lag p50/p99 ms  replay lag p99  drain s  peak rows/s  CPU % each   RSS MiB each  lost  twice');
  for (const r of results) {
    console.log(`${String(r.archivers).padStart(9)}  ${String(r.steadyRowsPerSec).padStart(13)}  ${`${r.lagP50Ms}/${r.lagP99Ms}`.padStart(14)}  ${String(r.burstLagP99Ms).padStart(14)}  ${String(r.drainSec).padStart(7)}  ${String(r.peakRowsPerSec).padStart(11)}  ${r.cpuPctPerArchiver.join(',').padStart(11)}  ${r.rssMiBPerArchiver.join(',').padStart(12)}  ${String(r.lost).padStart(4)}  ${String(r.twice).padStart(5)}`);
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/county.json', `${JSON.stringify({ gateways: GATEWAYS, sims: SIMS, steadySec: STEADY_SEC, burst: BURST, results }, null, 2)}\n`);
  console.log('written: bench-results/county.json');
}

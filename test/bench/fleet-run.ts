/**
 * `npm run fleet`: how many events per second the monitoring center keeps up with on one township
 * broker (issue 5, "Scale"). A simulated fleet (fleet-sim.ts, 200 gateways by default) publishes into
 * one Mosquitto at rising rates; the console model (redrawn every 500 ms), the console with the SQLite
 * archive, and two archivers in one shared subscription (fleet-consumer.ts, each its own process)
 * consume. A step is kept up with when the consumers take in at least 95 % of what the fleet sent
 * during it and have caught up within 3 s after it. Prints a table, writes bench-results/fleet.json,
 * and checks the two shared archivers' files: every event in exactly one of them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveDb } from '../../provisioning/township/monitor/archive-db.js';
import { Mosquitto } from '../support/mosquitto.js';
import { Child } from './bench-child.js';

const GATEWAYS = Number(process.env.FLEET_GATEWAYS ?? 200);
/** Fleet-wide events/s; 20/s is 200 gateways at one event every 10 s, a busy evening in a township. */
const STEPS = (process.env.FLEET_STEPS ?? '20,200,1000,2000,4000,8000').split(',').map(Number);
const STEP_SEC = Number(process.env.FLEET_STEP_SEC ?? 8);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Scenario {
  name: string;
  consumers: { clientId: string; archive?: string; share?: string }[];
}

interface StepResult {
  targetPerSec: number;
  sentPerSec: number;
  takenPerSec: number;
  catchUpMs: number | null;
  keptUp: boolean;
  cpuPct: number;
  rssMiB: number;
  heapMiB: number;
}

async function runScenario(s: Scenario): Promise<{ steps: StepResult[]; consumers: Child[]; acked: number }> {
  const broker = new Mosquitto();
  await broker.start();
  const consumers = s.consumers.map((c) => new Child('fleet-consumer.ts', [JSON.stringify({ url: broker.url, ...c })]));
  await Promise.all(consumers.map((c) => c.start()));
  const sim = new Child('fleet-sim.ts', [broker.url, String(GATEWAYS)]);
  await sim.start();
  // Counted in what ends up where the scenario promises it: stored when archiving, else received.
  const taken = () => consumers.reduce((n, c) => n + ((s.consumers[0]?.archive ? c.last.stored : c.last.received) ?? 0), 0);
  const cpu = () => consumers.reduce((n, c) => n + (c.last.cpuMs ?? 0), 0);
  const steps: StepResult[] = [];
  for (const rate of STEPS) {
    await sleep(400);
    const [p0, t0, c0, w0] = [sim.last.published ?? 0, taken(), cpu(), performance.now()];
    sim.proc.send({ rate });
    await sleep(STEP_SEC * 1000);
    const [p1, t1, c1, w1] = [sim.last.published ?? 0, taken(), cpu(), performance.now()];
    sim.proc.send({ rate: 0 });
    const stepEnd = performance.now();
    let catchUpMs: number | null = null;
    while (performance.now() - stepEnd < 15_000) {
      if ((sim.last.acked ?? 0) === (sim.last.published ?? 0) && taken() >= (sim.last.acked ?? 0)) {
        catchUpMs = Math.round(performance.now() - stepEnd);
        break;
      }
      await sleep(50);
    }
    const seconds = (w1 - w0) / 1000;
    const sent = (p1 - p0) / seconds;
    const took = (t1 - t0) / seconds;
    const keptUp = took >= 0.95 * sent && catchUpMs !== null && catchUpMs <= 3000;
    const mem = consumers.map((c) => c.last);
    steps.push({ targetPerSec: rate, sentPerSec: Math.round(sent), takenPerSec: Math.round(took), catchUpMs, keptUp, cpuPct: Math.round(((c1 - c0) / (w1 - w0)) * 100), rssMiB: Math.round(Math.max(...mem.map((m) => m.rssMiB ?? 0))), heapMiB: Math.round(Math.max(...mem.map((m) => m.heapMiB ?? 0))) });
    console.log(`  ${s.name}: ${JSON.stringify(steps.at(-1))}`);
    if (!keptUp) break;
  }
  const acked = sim.last.acked ?? 0;
  await sim.stop();
  await Promise.all(consumers.map((c) => c.stop()));
  await broker.stop();
  return { steps, consumers, acked };
}

/** Every event in exactly one of the shared archivers' files. */
function checkShared(files: string[], acked: number): { perArchiver: number[]; inBoth: number; missing: number } {
  const ids = files.map((f) => {
    const db = ArchiveDb.openReadOnly(f);
    try {
      return new Set(db.query({ limit: 10_000_000 }).map((a) => a.event.id));
    } finally {
      db.close();
    }
  });
  const [a = new Set<string>(), b = new Set<string>()] = ids;
  const inBoth = [...a].filter((id) => b.has(id)).length;
  return { perArchiver: ids.map((s) => s.size), inBoth, missing: acked - (a.size + b.size - inBoth) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-fleet-'));
  const shared = [join(dir, 'share-1.db'), join(dir, 'share-2.db')];
  const scenarios: Scenario[] = [
    { name: 'console', consumers: [{ clientId: 'fleet-console' }] },
    { name: 'console+archive', consumers: [{ clientId: 'fleet-archive', archive: join(dir, 'archive.db') }] },
    { name: '2 shared archivers', consumers: shared.map((archive, i) => ({ clientId: `fleet-share-${i + 1}`, archive, share: 'archivers' })) },
  ];
  console.log(`fleet benchmark: ${GATEWAYS} simulated gateways, steps ${STEPS.join('/')} events/s, ${STEP_SEC} s each`);
  const results: Record<string, unknown> = { gateways: GATEWAYS, stepSec: STEP_SEC, cpus: (await import('node:os')).cpus().length };
  for (const s of scenarios) {
    const { steps, acked } = await runScenario(s);
    const kept = steps.filter((r) => r.keptUp).at(-1);
    results[s.name] = { keptUpToPerSec: kept?.sentPerSec ?? 0, steps, ...(s.name.includes('shared') ? { sharedCheck: { acked, ...checkShared(shared, acked) } } : {}) };
  }
  console.log('\nscenario             kept up with   memory at that rate (RSS / heap, per process)');
  for (const s of scenarios) {
    const r = results[s.name] as { keptUpToPerSec: number; steps: StepResult[] };
    const at = r.steps.filter((x) => x.keptUp).at(-1);
    console.log(`${s.name.padEnd(20)} ${String(r.keptUpToPerSec).padStart(6)} ev/s    ${at ? `${at.rssMiB} MiB / ${at.heapMiB} MiB, CPU ${at.cpuPct} %` : '-'}`);
  }
  console.log(`shared archivers: ${JSON.stringify((results['2 shared archivers'] as { sharedCheck: unknown }).sharedCheck)}`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/fleet.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('written: bench-results/fleet.json');
}

// `npm run fleet -- county`: the county scale on PostgreSQL instead (county-run.ts).
(process.argv.includes('county') ? import('./county-run.js').then((m) => m.countyBenchmark()) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

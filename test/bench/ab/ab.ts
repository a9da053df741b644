/**
 * `npm run bench:ab -- <ref> [<ref B>]`: the daemon compiled from a git ref (A) against the current
 * tree's dist/ (B; or against a second ref, built the same way), interleaved A, B, A, B… (issue 14: CPU figures on this shared 2-core box are only comparable
 * within one window). Each round is the bench's own throughput run and 500/s latency run on each side;
 * it prints medians with ranges and what the other processes used during every run.
 * BENCH_AB_ROUNDS (default 3) sets the rounds; the bench's BENCH_* variables apply; the quiet-machine
 * wait defaults to 10 s here (BENCH_QUIET_WAIT_S), since the other processes' CPU is reported per run.
 */
import type { Side } from './ab-report.js';

// Before the bench's modules load: params.ts reads the environment once, at import.
process.env.BENCH_QUIET_WAIT_S ??= '10';

const { mkdirSync, writeFileSync } = await import('node:fs');
const { installSignalCleanup, killAll } = await import('../cleanup.js');
const { PARAMS, RESULTS_DIR, log } = await import('../params.js');
const { latency500, pacedRun, throughputRun } = await import('../scenarios.js');
const { buildRef } = await import('./ref-build.js');
const { renderAb } = await import('./ab-report.js');

async function main(): Promise<void> {
  const [ref, refB] = process.argv.slice(2);
  if (!ref) throw new Error('usage: npm run bench:ab -- <git ref> [<git ref B>] (B defaults to the current tree, built into dist/)');
  const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_AB_ROUNDS=${process.env.BENCH_AB_ROUNDS}: expected an integer >= 1`);
  installSignalCleanup();
  log(`building ${ref}`);
  const built = buildRef(ref);
  const builtB = refB ? buildRef(refB) : null;
  const sides: Side[] = [
    { label: `A ${ref} (${built.commit.slice(0, 7)})`, dist: built.dist, throughput: [], latency: [] },
    { label: builtB ? `B ${refB} (${builtB.commit.slice(0, 7)})` : 'B current tree', dist: builtB?.dist ?? null, throughput: [], latency: [] },
  ];
  log(`params: ${JSON.stringify(PARAMS)}, rounds ${rounds}`);
  for (let round = 1; round <= rounds; round++) {
    for (const side of sides) {
      log(`round ${round}/${rounds}: ${side.label}`);
      if (side.dist) process.env.VGW_DIST_DIR = side.dist;
      else delete process.env.VGW_DIST_DIR;
      side.throughput.push(await throughputRun('ours', round));
      side.latency.push(await pacedRun('ours', round, latency500()));
    }
  }
  console.log(renderAb(sides));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}ab-${built.commit.slice(0, 7)}-${builtB?.commit.slice(0, 7) ?? 'tree'}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ref, commit: built.commit, refB, commitB: builtB?.commit, params: PARAMS, sides }, null, 2)}\n`);
  log(`wrote ${file}`);
}

await main()
  .catch((err: unknown) => {
    log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => killAll());

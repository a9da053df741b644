/**
 * `npm run test:repeat -- N [file ...]`: runs the test suite (or the files named) N times in a row, every
 * second round with a CPU-bound child busy on one of the two cores, and prints per test how often it
 * failed (issue 17). Not part of CI: a red CI loses a whole session, so flakes are hunted here.
 * Each round's full output stays in the directory printed at the start, to read a failure's story.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flakeTable, formatTable, type Round, type VitestJsonReport } from './flake-table.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const USAGE = 'usage: npm run test:repeat -- N [test file ...]   (N: rounds, 1 to 1000; e.g. npm run test:repeat -- 10)';

function parseArgs(argv: string[]): { rounds: number; files: string[] } {
  const [n, ...files] = argv;
  const rounds = Number(n);
  if (!n || !Number.isInteger(rounds) || rounds < 1 || rounds > 1000) {
    process.stderr.write(`${n === undefined ? 'missing N' : `N must be a whole number from 1 to 1000, not "${n}"`}\n${USAGE}\n`);
    process.exit(2);
  }
  for (const f of files) {
    if (!existsSync(join(ROOT, f)) && !existsSync(f)) {
      process.stderr.write(`no such test file: ${f}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return { rounds, files };
}

/** A busy loop in its own process: it takes one core, like another job on the box. */
function startLoad(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

function runVitest(files: string[], reportFile: string, logFile: string): Promise<number> {
  const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
  const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...files];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('close', (code) => {
      writeFileSync(logFile, log);
      resolve(code ?? 1);
    });
  });
}

function readReport(file: string): VitestJsonReport | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const { rounds, files } = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'vgw-repeat-'));
  process.stdout.write(`${rounds} rounds of ${files.length ? files.join(' ') : 'the whole suite'}; every second round under load; logs in ${dir}\n`);
  const done: Round[] = [];
  for (let i = 1; i <= rounds; i++) {
    const loaded = i % 2 === 0;
    const load = loaded ? startLoad() : null;
    const t0 = Date.now();
    const reportFile = join(dir, `round-${i}.json`);
    const code = await runVitest(files, reportFile, join(dir, `round-${i}.log`));
    load?.kill('SIGKILL');
    const report = readReport(reportFile);
    done.push({ loaded, report });
    const tests = report?.testResults.flatMap((f) => f.assertionResults) ?? [];
    const failed = tests.filter((t) => t.status === 'failed').length;
    const failedFiles = report?.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length ?? 0;
    process.stdout.write(`round ${i}/${rounds}${loaded ? ' (under load)' : ''}: ${tests.length - failed} passed, ${failed} failed${failedFiles ? `, ${failedFiles} files failed to run` : ''}, exit ${code}, ${Math.round((Date.now() - t0) / 1000)} s\n`);
  }
  const rows = flakeTable(done, ROOT);
  process.stdout.write(`\n${formatTable(rows, rounds, done.filter((r) => r.loaded).length)}\n`);
  process.exitCode = rows.some((r) => r.failed > 0) ? 1 : 0;
}

await main();

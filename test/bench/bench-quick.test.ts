/**
 * The benchmark as the README runs it (`BENCH_QUICK=1 npm run bench`, issue 14): every target measured
 * with finite figures, nothing of ours lost, and the checks holding every target of issue 14's table.
 *
 * `npm run bench` rebuilds dist/ (`npm run build`) while the rest of the suite may run beside this file.
 * That is safe because no other test runs compiled code: the second test fails when one starts to, so
 * that it is serialised with this one (or this test moved to a separate run) rather than read half-written files.
 * The JSON goes to a temporary BENCH_RESULTS_DIR, never over the bench-results/latest.json of a real run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '../support/tools.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TARGET_NAMES = ['ours', 'null-gateway', 'bridge-default', 'bridge-unlimited'];
/** Issue 14's table, row by row. */
const ISSUE_14_TARGETS = ['throughput-vs-null', 'throughput-vs-bridge', 'cpu-500-vs-null', 'p99-500-vs-null', 'p99-500-20-devices-vs-null', 'peak-rss-500', 'peak-rss-full-load', 'idle-rss', 'drain-vs-mqttjs', 'lost-zero'];

interface Result {
  systems: Record<string, Record<string, number>>;
  ratios: { vsNullGateway: Record<string, number>; vsBridgeUnlimited: Record<string, number> };
  footprint: { rates: { rate: number; cpuPct: number; rssMiB: number; writeBytesPerEvent: number }[]; idleRssMiB: number; peakRssFullLoadMiB: number };
  drain: Record<string, number | boolean>;
  checks: { id: string; result: string }[];
  errors: string[];
  meta: { notes: string[]; disturbedRuns: unknown[] };
}

function runQuickBench(resultsDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn('npm', ['run', 'bench'], { cwd: ROOT, env: { ...process.env, BENCH_QUICK: '1', BENCH_RESULTS_DIR: resultsDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('exit', (code) => resolve({ code, output }));
  });
}

const finite = (obj: Record<string, unknown>, keys: string[]): Record<string, unknown> => Object.fromEntries(keys.filter((k) => !Number.isFinite(obj[k])).map((k) => [k, obj[k]]));

describe.runIf(requireTools('mosquitto'))('BENCH_QUICK=1 npm run bench (issue 14)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-bench-quick-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every target with finite figures, loses nothing of ours and checks every target of issue 14', async () => {
    const { code, output } = await runQuickBench(dir);
    expect(code, output.slice(-4000)).toBe(0);
    const r = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as Result;
    expect(r.errors).toEqual([]);

    const everyone = ['throughputEventsPerSec', 'throughputVillageCpuPct', 'p50Ms500', 'p99Ms500', 'cpuPct500', 'rssMiB500', 'peakRssMiB500', 'idleRssMiB', 'peakRssFullLoadMiB'];
    for (const name of TARGET_NAMES) expect(finite(r.systems[name] ?? {}, everyone), name).toEqual({});
    for (const name of ['ours', 'null-gateway']) expect(finite(r.systems[name] ?? {}, ['p99Ms500Devices20', 'cpuPct500Devices20']), name).toEqual({});
    expect(finite(r.ratios.vsNullGateway, Object.keys(r.ratios.vsBridgeUnlimited))).toEqual({});
    expect(finite(r.ratios.vsBridgeUnlimited, ['throughputEventsPerSec', 'cpuPct500', 'p99Ms500', 'idleRssMiB', 'peakRssFullLoadMiB'])).toEqual({});
    expect(r.footprint.rates.map((f) => f.rate)).toEqual([1, 20, 500]);
    for (const f of r.footprint.rates) expect(finite(f as unknown as Record<string, unknown>, ['cpuPct', 'rssMiB', 'writeBytesPerEvent']), `${f.rate}/s`).toEqual({});
    expect(finite(r.drain, ['drainEventsPerSec', 'publisherAloneEventsPerSec', 'vsPublisherAlone'])).toEqual({});

    const ours = r.systems.ours!;
    expect({ throughput: ours.throughputLost, latency: ours.latencyLost, latency20: ours.latency20Lost, kill9: ours.outageKill9Lost, drain: r.drain.lost }).toEqual({ throughput: 0, latency: 0, latency20: 0, kill9: 0, drain: 0 });
    expect(r.drain.criticalFirst).toBe(true);
    expect(r.checks.find((c) => c.id === 'lost-zero')?.result).toBe('pass');
    expect(r.checks.map((c) => c.id)).toEqual(ISSUE_14_TARGETS);
    expect(r.meta.notes.join('\n')).toMatch(/null gateway.*not run in the outage scenarios/i);
    expect(Array.isArray(r.meta.disturbedRuns)).toBe(true);
  }, 300_000);
});

// Needs no mosquitto: it reads the test files.
describe('the bench rebuilding dist/ beside the suite', () => {
  it('no other test runs compiled code (dist/), which the bench rebuilds while the suite runs', () => {
    // Runtime uses of the build: a GatewayProcess started with `compiled` true, dist/ paths, the installed `vgw` launcher run from this checkout (prefers dist/).
    const uses = [/\.start\([^;]*,\s*true\s*\)/, /['"`/]dist\//, /\(LAUNCHER\b/];
    // deploy-files.test.ts only reads the Dockerfile's text, where `dist/` appears.
    const exempt = new Set(['test/ops/deploy-files.test.ts']);
    const files = walk(join(ROOT, 'test')).filter((f) => /\.test\.ts$|\/support\/.*\.ts$/.test(f)).map((f) => relative(ROOT, f));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => !exempt.has(f) && !f.startsWith('test/bench/') && f !== 'test/support/gateway-process.ts').filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8').replaceAll('ajv/dist/', '');
      return uses.some((re) => re.test(text));
    });
    expect(offenders).toEqual([]);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

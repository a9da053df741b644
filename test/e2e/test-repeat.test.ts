/** `npm run test:repeat` as the README shows it (issue 17): rounds, load on every second one, the table. */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

const npm = (args: string[]): Promise<{ code: number; out: string }> =>
  new Promise((resolve) => {
    execFile('npm', args, { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });

describe('npm run test:repeat', () => {
  it('runs a file N times, the second round under load, and prints the flake table', async () => {
    const r = await npm(['run', 'test:repeat', '--', '2', 'test/unit/flake-table.test.ts']);
    expect(r.out).toMatch(/round 1\/2: 2 passed, 0 failed, exit 0/);
    expect(r.out).toMatch(/round 2\/2 \(under load\): 2 passed, 0 failed, exit 0/);
    expect(r.out).toMatch(/2 rounds \(1 under load\), 2 tests/);
    expect(r.out).toContain('2 tests passed in every round: no flakes');
    expect(r.code).toBe(0);
  });

  it('refuses a round count that is not a whole number, naming the usage', async () => {
    const r = await npm(['run', 'test:repeat', '--', 'ten']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('N must be a whole number from 1 to 1000, not "ten"');
    expect(r.out).toContain('usage: npm run test:repeat -- N');
  });
});

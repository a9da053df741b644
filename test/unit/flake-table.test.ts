import { describe, expect, it } from 'vitest';
import { flakeTable, formatTable, type VitestJsonReport } from '../repeat/flake-table.js';

const report = (results: Record<string, string>, fileFailure?: string): VitestJsonReport => ({
  testResults: [
    { name: '/repo/test/a.test.ts', status: Object.values(results).includes('failed') ? 'failed' : 'passed', assertionResults: Object.entries(results).map(([fullName, status]) => ({ fullName, status, failureMessages: status === 'failed' ? [`\x1b[31mAssertionError: ${fullName} broke\x1b[0m\n  at x`] : [] })) },
    { name: '/repo/test/b.test.ts', status: fileFailure ? 'failed' : 'passed', message: fileFailure, assertionResults: [] },
  ],
});

describe('the flake table of npm run test:repeat', () => {
  it('counts failures per test, split by quiet and loaded rounds, worst first', () => {
    const rows = flakeTable(
      [
        { loaded: false, report: report({ steady: 'passed', flaky: 'passed', gated: 'skipped' }) },
        { loaded: true, report: report({ steady: 'passed', flaky: 'failed', gated: 'skipped' }) },
        { loaded: false, report: report({ steady: 'passed', flaky: 'failed', gated: 'skipped' }, 'Error: beforeAll hook timed out') },
        { loaded: true, report: null },
      ],
      '/repo',
    );
    expect(rows[0]).toMatchObject({ test: 'test/a.test.ts › flaky', runs: 3, failed: 2, failedLoaded: 1, failedQuiet: 1, firstFailure: 'AssertionError: flaky broke' });
    expect(rows.find((r) => r.test === 'test/b.test.ts (file)')).toMatchObject({ runs: 3, failed: 1, firstFailure: 'Error: beforeAll hook timed out' });
    expect(rows.find((r) => r.test.startsWith('(the whole run'))).toMatchObject({ failed: 1, failedLoaded: 1 });
    expect(rows.find((r) => r.test.endsWith('gated'))).toMatchObject({ failed: 0, skipped: 3 });
    expect(rows.find((r) => r.test.endsWith('steady'))).toMatchObject({ failed: 0, skipped: 0, runs: 3 });
    const text = formatTable(rows, 4, 2);
    expect(text).toMatch(/^4 rounds \(2 under load\)/);
    expect(text).toContain('  1   1   2  test/a.test.ts › flaky');
    expect(text).not.toContain('steady');
    expect(text).toMatch(/1 test passed in every round$/);
  });

  it('says "no flakes" when every test passed every round', () => {
    const rows = flakeTable([{ loaded: false, report: report({ one: 'passed' }) }, { loaded: true, report: report({ one: 'passed' }) }], '/repo');
    expect(formatTable(rows, 2, 1)).toMatch(/2 tests passed in every round: no flakes$/);
  });
});

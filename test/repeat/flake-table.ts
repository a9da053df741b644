/**
 * Folds the JSON reports of repeated vitest runs into one row per test: how often it failed, with the
 * machine quiet and under load (issue 17). A file that failed before any of its tests ran (a hook, an
 * import) counts as a failure of the file itself, so a broken `beforeAll` is never invisible.
 */

/** The parts of vitest's JSON reporter output (`--reporter=json`) this table reads. */
export interface VitestJsonReport {
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

export interface Round {
  loaded: boolean;
  /** null when the run produced no report at all (vitest crashed): every test of the round counts as failed. */
  report: VitestJsonReport | null;
}

export interface FlakeRow {
  test: string;
  runs: number;
  failed: number;
  failedLoaded: number;
  failedQuiet: number;
  skipped: number;
  /** The first failure's message, cut to one line, to start the hunt from. */
  firstFailure: string | null;
}

export function flakeTable(rounds: readonly Round[], root = ''): FlakeRow[] {
  const rows = new Map<string, FlakeRow>();
  const row = (test: string): FlakeRow => {
    let r = rows.get(test);
    if (!r) rows.set(test, (r = { test, runs: 0, failed: 0, failedLoaded: 0, failedQuiet: 0, skipped: 0, firstFailure: null }));
    return r;
  };
  const fail = (r: FlakeRow, loaded: boolean, message: string | undefined): void => {
    r.failed++;
    if (loaded) r.failedLoaded++;
    else r.failedQuiet++;
    r.firstFailure ??= oneLine(message ?? 'failed');
  };
  rounds.forEach((round) => {
    if (!round.report) {
      const r = row('(the whole run: vitest produced no report)');
      r.runs++;
      fail(r, round.loaded, 'no JSON report');
      return;
    }
    for (const file of round.report.testResults) {
      const name = file.name.startsWith(root) ? file.name.slice(root.length).replace(/^\//, '') : file.name;
      if (file.assertionResults.length === 0 || (file.status === 'failed' && file.message)) {
        const r = row(`${name} (file)`);
        r.runs++;
        if (file.status === 'failed') fail(r, round.loaded, file.message);
      }
      for (const t of file.assertionResults) {
        const r = row(`${name} › ${t.fullName}`);
        r.runs++;
        if (t.status === 'failed') fail(r, round.loaded, t.failureMessages?.[0]);
        else if (t.status !== 'passed') r.skipped++;
      }
    }
  });
  return [...rows.values()].sort((a, b) => b.failed - a.failed || b.skipped - a.skipped || a.test.localeCompare(b.test));
}

const oneLine = (s: string): string => {
  const plain = s.replace(/\x1b\[[0-9;]*m/g, '');
  const first = plain.split('\n').find((l) => l.trim() !== '') ?? plain;
  return first.trim().slice(0, 160);
};

/** The table as text: failing and skipped tests first, then a count of the ones that always passed. */
export function formatTable(rows: readonly FlakeRow[], rounds: number, loadedRounds: number): string {
  const bad = rows.filter((r) => r.failed > 0 || r.skipped > 0);
  const lines = [`${rounds} rounds (${loadedRounds} under load), ${rows.length} tests; failed: quiet / loaded / total`];
  for (const r of bad) {
    lines.push(`${String(r.failedQuiet).padStart(3)} ${String(r.failedLoaded).padStart(3)} ${String(r.failed).padStart(3)}  ${r.skipped ? `skipped ${r.skipped}  ` : ''}${r.test}`);
    if (r.firstFailure) lines.push(`             first failure: ${r.firstFailure}`);
  }
  const clean = rows.length - bad.length;
  lines.push(`${clean} test${clean === 1 ? '' : 's'} passed in every round${bad.length === 0 ? ': no flakes' : ''}`);
  return lines.join('\n');
}

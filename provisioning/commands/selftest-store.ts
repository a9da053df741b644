/** The `selftest_results` table (the migration marked "self-test results (issue 12)"): written by `vgw test`, read by `vgw report`. */
import type { Db } from '../../cloud-bridge/db.js';

/** One recorded step. */
export interface SelfTestResult {
  run: string;
  device: string;
  kind: string;
  step: string;
  result: 'pass' | 'fail' | 'skipped';
  /** ms since epoch, when the step ended. */
  ts: number;
  detail: string;
}

/** Stores one step (its own commit: a test interrupted half-way keeps the steps done). */
export function recordResult(db: Db, r: SelfTestResult): void {
  db.prepare('INSERT INTO selftest_results (run, device, kind, step, result, ts, detail) VALUES (@run, @device, @kind, @step, @result, @ts, @detail)').run(r);
}

/** Every recorded step, oldest first. */
export function allResults(db: Db): SelfTestResult[] {
  return db.prepare('SELECT run, device, kind, step, result, ts, detail FROM selftest_results ORDER BY id').all() as SelfTestResult[];
}

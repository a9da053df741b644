/**
 * System tools some tests need (mosquitto, openssl). Missing ones make those tests skip loudly; with
 * VGW_REQUIRE_TOOLS=1 (set by .ci/run) a missing tool fails the run instead of skipping.
 */
import { spawnSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** True when every tool is there; otherwise warns (or throws under VGW_REQUIRE_TOOLS=1). */
export function requireTools(...names: string[]): boolean {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return true;
  const message = `MISSING SYSTEM TOOL(S): ${missing.join(', ')} — these tests are SKIPPED. Install them (Debian: apt-get install -y ${missing.join(' ')}) to run them.`;
  if (process.env.VGW_REQUIRE_TOOLS === '1') throw new Error(`${message} VGW_REQUIRE_TOOLS=1 forbids skipping.`);
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return false;
}

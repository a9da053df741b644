/** Runs the `vgw` CLI from the sources as a real process (as test/e2e/cli.test.ts does). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** Exit code, stdout and stderr of `vgw ...args`; killed after `timeoutMs`. */
export function vgw(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts'), ...args], { cwd: ROOT, env, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

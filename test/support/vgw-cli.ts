/** `vgw` run as the installer and operator run it: a child process of the CLI entry, via tsx. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vgw ...args`; `timeoutMs` kills a command that hangs (its code is then non-zero). */
export function vgw(args: string[], o: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts'), ...args], { cwd: ROOT, timeout: o.timeoutMs ?? 60_000, env: o.env ?? process.env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(o.input ?? '');
  });
}

/** A stack trace line, as Node prints them: "    at fn (file:line:col)". */
export const STACK_LINE = /^\s+at .+[:(]/m;

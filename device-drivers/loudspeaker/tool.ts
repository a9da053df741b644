/**
 * Runs the audio tools (espeak-ng, aplay, mpg123, amixer) as child processes. The one place of this
 * driver that imports child_process (style rule 5). A stopped run kills its process at once: a
 * preempted notice must go silent now, not when the player reaches the end of its file.
 */
import { spawn } from 'node:child_process';

/** The Debian package that installs each tool, for the error people read. */
const PACKAGES: Record<string, string> = { 'espeak-ng': 'espeak-ng', aplay: 'alsa-utils', amixer: 'alsa-utils', mpg123: 'mpg123' };
/** How much of a tool's stderr goes into an error message. */
const STDERR_TAIL = 400;
/** After SIGTERM, a tool that has not exited gets SIGKILL. */
const KILL_AFTER_MS = 500;

export interface ToolCommand {
  cmd: string;
  args: string[];
}

export interface ToolResult {
  stdout: string;
  /** True when `signal` stopped it. */
  stopped: boolean;
}

/** Runs `cmd args`, feeding `input` on stdin; rejects with the exit code and stderr when it fails. */
export function runTool({ cmd, args }: ToolCommand, options: { input?: string; signal?: AbortSignal } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const { input, signal } = options;
    if (signal?.aborted) return resolve({ stdout: '', stopped: true });
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    };
    signal?.addEventListener('abort', stop, { once: true });
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-STDERR_TAIL)));
    // A tool that exits before reading its input must not crash us with EPIPE; its exit code tells.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
    child.once('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', stop);
      const hint = err.code === 'ENOENT' ? `${cmd} is not installed (Debian: apt-get install -y ${PACKAGES[cmd] ?? cmd})` : `${cmd} could not be started: ${err.message}`;
      reject(new Error(hint, { cause: err }));
    });
    child.once('close', (code, sig) => {
      clearTimeout(killer);
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) return resolve({ stdout, stopped: true });
      if (code === 0) return resolve({ stdout, stopped: false });
      reject(new Error(`${cmd} ${sig ? `was killed by ${sig}` : `exited with code ${code}`}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    });
  });
}

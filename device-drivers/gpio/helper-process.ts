/**
 * Child processes of the gpiod tools: one-shot runs (gpiodetect, gpioget) and supervised long-running
 * ones (gpiomon, gpioset) that are restarted with a growing delay when they die on their own.
 * A gateway killed outright leaves its helpers holding their lines (the next start would find them
 * busy); under systemd's default KillMode=control-group the whole group is ended before a restart.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { gpioError } from './gpio.js';

export interface ToolEnv {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** How long a fresh helper must stay up to count as started (it exits at once on a busy or bad line). */
  settleMs: number;
}

/** What to tell an installer when a tool fails the way it does without the package or the permission. */
function fixFor(tool: string, text: string): string {
  if (/ENOENT/.test(text)) return `${tool} is not installed: install the gpiod tools (sudo apt-get install gpiod)`;
  if (/Permission denied|EACCES/i.test(text)) return `${text.trim()}; the gateway user may not open /dev/gpiochip*: add it to the gpio group (sudo usermod -aG gpio <user>) and restart the service`;
  if (/busy/i.test(text)) return `${text.trim()}; another program holds this line (another gateway, a device-tree overlay)`;
  return text.trim() || 'no message on stderr';
}

export function runTool(t: ToolEnv, tool: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env: t.env, timeout: 5000 }, (err, stdout, stderr) => {
      if (err) reject(gpioError(`${tool} ${args.join(' ')}: ${fixFor(tool, `${String((err as NodeJS.ErrnoException).code ?? '')} ${stderr || err.message}`)}`, err));
      else resolve(stdout);
    });
  });
}

export interface SupervisedSpec {
  tool: string;
  /** Arguments for the next start (read at each restart, so a restart uses the latest level). */
  args(): string[];
  onLine?(line: string): void;
  /** Runs before a restart (with the line free again), e.g. to catch up on a level missed meanwhile. */
  beforeRestart?(): Promise<void>;
  /** The helper died on its own; reported once per run of failures. */
  onFault(err: Error): void;
}

const MAX_DELAY_MS = 5000;
/** A helper that has been up this long is healthy again: its next death is a new fault. */
const HEALTHY_AFTER_MS = 30_000;

export class Supervised {
  private child: ChildProcess | null = null;
  private stopping = false;
  private delayMs = 100;
  private faulted = false;
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly t: ToolEnv,
    private readonly spec: SupervisedSpec,
  ) {}

  /** Starts the helper; rejects (naming the fix) if it does not stay up for `settleMs`. */
  async start(): Promise<void> {
    const args = this.spec.args();
    const child = spawn(this.spec.tool, args, { env: this.t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
    if (this.spec.onLine) createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => this.spec.onLine?.(l));
    const early = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(gpioError(`${this.spec.tool}: ${fixFor(this.spec.tool, `${String((err as NodeJS.ErrnoException).code)} ${err.message}`)}`, err)));
      child.once('exit', (code) => reject(gpioError(`${this.spec.tool} ${args.join(' ')} exited (${code}): ${fixFor(this.spec.tool, stderr)}`)));
    });
    early.catch(() => {}); // after the settle window the exit is handled by `exit` below, not this promise
    await Promise.race([early, new Promise((r) => setTimeout(r, this.t.settleMs))]);
    if (this.stopping) {
      child.kill('SIGTERM'); // stopped while it was starting
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (!this.stopping) this.died(code ?? signal, stderr);
    });
  }

  /** Stops the helper for good (SIGTERM; SIGKILL if it lingers). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.kill();
  }

  /** Stops the current helper and starts a fresh one with the current `args()`. */
  async restart(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.stopping = true;
    await this.kill();
    this.stopping = false;
    await this.start();
  }

  private async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private died(how: number | string | null, stderr: string): void {
    if (Date.now() - this.startedAt > HEALTHY_AFTER_MS) {
      this.faulted = false;
      this.delayMs = 100;
    }
    const err = gpioError(`${this.spec.tool} exited (${String(how)}): ${fixFor(this.spec.tool, stderr)}`);
    this.t.log.warn({ tool: this.spec.tool, exit: how, stderr: stderr.trim(), retryMs: this.delayMs }, 'gpio helper exited; restarting');
    if (!this.faulted) {
      this.faulted = true;
      this.spec.onFault(err);
    }
    this.timer = setTimeout(() => void this.revive(), this.delayMs);
    this.delayMs = Math.min(MAX_DELAY_MS, this.delayMs * 2);
  }

  private async revive(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.spec.beforeRestart?.();
      await this.start();
    } catch (err) {
      this.t.log.warn({ tool: this.spec.tool, err, retryMs: this.delayMs }, 'gpio helper restart failed');
      this.timer = setTimeout(() => void this.revive(), this.delayMs);
      this.delayMs = Math.min(MAX_DELAY_MS, this.delayMs * 2);
    }
  }
}

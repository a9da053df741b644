/**
 * A real Mosquitto, spawned on a free loopback port, as the township broker in tests and benchmarks.
 * It can be stopped and started again on the same port (an uplink outage).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort } from './ports.js';

export interface MosquittoOptions {
  /** Extra mosquitto.conf lines for the listener (TLS, password_file, ...). */
  listenerLines?: string[];
  /** Extra top-level lines. */
  extraLines?: string[];
  allowAnonymous?: boolean;
  /**
   * Keep sessions across a stop/start (saved on SIGTERM): a test subscriber with `clean: false` then
   * misses nothing that was published while it was reconnecting.
   */
  persistence?: boolean;
}

export class Mosquitto {
  private proc: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'vgw-mosq-'));
  port = 0;
  log = '';

  constructor(private readonly options: MosquittoOptions = {}) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, [
      'per_listener_settings false',
      // As root, Mosquitto drops to user "mosquitto", who cannot read our private temp files.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      `allow_anonymous ${this.options.allowAnonymous === false ? 'false' : 'true'}`,
      ...(this.options.persistence ? ['persistence true', `persistence_location ${this.dir}/`] : ['persistence false']),
      'max_queued_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      ...(this.options.extraLines ?? []),
      `listener ${this.port} 127.0.0.1`,
      ...(this.options.listenerLines ?? []),
      '',
    ].join('\n'));
    const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.proc = proc;
    const until = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited (${proc.exitCode}): ${this.log}`);
      if (Date.now() > until) throw new Error(`mosquitto did not listen on ${this.port}: ${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM lets Mosquitto save its sessions (with `persistence`); SIGKILL is a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  }
}

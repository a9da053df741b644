/**
 * The comparison: a plain Mosquitto on the village side that bridges `dev/#` out, QoS 1, to the
 * township Mosquitto, with `persistence true`. Same port and persistence directory across restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort } from '../support/ports.js';
import { trackDir, trackProcess, untrackProcess } from './cleanup.js';

export interface VillageOptions {
  townshipPort: number;
  /** `true`: `max_queued_messages 0` (unlimited); `false`: Mosquitto's default (1000). */
  unlimitedQueue: boolean;
}

export class VillageMosquitto {
  private proc: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'vgw-bench-village-'));
  port = 0;
  /** Everything it logged, across restarts. */
  log = '';

  constructor(private readonly o: VillageOptions) {
    trackDir(this.dir);
    // Started as root, Mosquitto drops to the `mosquitto` user: it must be able to write its
    // persistence file here, or `persistence true` silently saves nothing ("Error: Permission denied").
    chmodSync(this.dir, 0o777);
  }

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, [
      'per_listener_settings false',
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${this.dir}/`,
      ...(this.o.unlimitedQueue ? ['max_queued_messages 0'] : []),
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      `listener ${this.port} 127.0.0.1`,
      '',
      'connection township',
      `address 127.0.0.1:${this.o.townshipPort}`,
      'topic dev/# out 1',
      'cleansession false',
      'bridge_protocol_version mqttv311',
      '',
    ].join('\n'));
    const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.proc = proc;
    trackProcess(proc.pid, () => proc.kill('SIGKILL'));
    const until = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (proc.exitCode !== null) throw new Error(`village mosquitto exited (${proc.exitCode}): ${this.log}`);
      if (Date.now() > until) throw new Error(`village mosquitto did not listen on ${this.port}: ${this.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill(signal);
      });
    }
    untrackProcess(proc.pid);
  }
}

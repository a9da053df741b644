/**
 * The gateway as a separate OS process (`vgw run --config`), for what must be proven across a real
 * process death: kill -9, restart, and the benchmark's CPU and memory figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildConfig, type FixtureDevice, type FixtureOptions } from './gateway-fixture.js';
import { freePort } from './ports.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LAUNCHER = join(ROOT, 'provisioning/bin/vgw');

export class GatewayProcess {
  proc: ChildProcess | null = null;
  output = '';
  readonly configFile: string;

  private constructor(
    readonly dataDir: string,
    readonly localPort: number,
    readonly devices: FixtureDevice[],
    readonly gatewayId: string,
    configFile: string,
  ) {
    this.configFile = configFile;
  }

  /** Writes a YAML config (fixed local port, so restarts keep it) and returns an unstarted process. */
  static async prepare(o: FixtureOptions & { devices: FixtureDevice[] }): Promise<GatewayProcess> {
    const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-proc-'));
    const gatewayId = o.gatewayId ?? '370283104-proc-01';
    const localPort = await freePort();
    const config = await buildConfig({ ...o, dataDir, gatewayId, devices: o.devices });
    config.localBroker.port = localPort;
    const configFile = join(dataDir, 'vgw.yaml');
    writeFileSync(configFile, stringify(config));
    return new GatewayProcess(dataDir, localPort, o.devices, gatewayId, configFile);
  }

  /** The program and arguments of `vgw run` (see `start`). */
  private command(compiled: boolean): [string, string[]] {
    const args = ['run', '--config', this.configFile];
    if (!compiled) return [process.execPath, ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts'), ...args]];
    const other = process.env.VGW_DIST_DIR;
    if (!other) return [LAUNCHER, args];
    const launcher = join(other, '../provisioning/bin/vgw');
    return existsSync(launcher) ? [launcher, args] : [process.execPath, [join(other, 'provisioning/cli.js'), ...args]];
  }

  /**
   * Starts `vgw run` and resolves once its log says it started. Tests run the sources (tsx); the
   * benchmark sets `compiled` to measure what a box runs after `npm run build`: the installed `vgw`
   * launcher with its node flags and malloc settings (issue 14), on this process's node. `VGW_DIST_DIR`
   * names another compiled tree (the A/B tool's build of a git ref, test/bench/ab/): its own launcher
   * when it has one, else its CLI on plain node (trees from before the launcher).
   */
  async start(env: Record<string, string> = {}, compiled = false): Promise<void> {
    this.output = '';
    const proc = spawn(...this.command(compiled), {
      cwd: ROOT,
      env: { ...process.env, VGW_LOG_LEVEL: 'info', VGW_NODE: process.execPath, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const until = Date.now() + 30_000;
    while (!this.output.includes('"msg":"gateway started"')) {
      if (proc.exitCode !== null) throw new Error(`gateway exited (${proc.exitCode}):\n${this.output}`);
      if (Date.now() > until) throw new Error(`gateway did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  /** kill -9: no shutdown code runs. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<number | null> {
    return this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<number | null> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return proc?.exitCode ?? null;
    return new Promise((resolve) => {
      proc.once('exit', (code) => resolve(code));
      proc.kill(sig);
    });
  }
}

/**
 * The gateway as a separate OS process (`vgw run --config`), for what must be proven across a real
 * process death: kill -9, restart, and the benchmark's CPU and memory figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildConfig, type FixtureDevice, type FixtureOptions } from './gateway-fixture.js';
import { freePort } from './ports.js';

const ROOT = new URL('../../', import.meta.url).pathname;

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

  /**
   * Starts `vgw run` and resolves once its log says it started. Tests run the sources (tsx); the
   * benchmark sets `compiled` to measure what a box runs after `npm run build`. `VGW_DIST_DIR` names
   * another compiled tree (the A/B tool's build of a git ref, test/bench/ab/) instead of ./dist.
   */
  async start(env: Record<string, string> = {}, compiled = false): Promise<void> {
    this.output = '';
    const dist = process.env.VGW_DIST_DIR ?? join(ROOT, 'dist');
    const entry = compiled ? [join(dist, 'provisioning/cli.js')] : ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts')];
    const proc = spawn(process.execPath, [...entry, 'run', '--config', this.configFile], {
      cwd: ROOT,
      env: { ...process.env, VGW_LOG_LEVEL: 'info', ...env },
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

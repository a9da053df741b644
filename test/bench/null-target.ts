/**
 * The null gateway (null-gateway.ts) as a bench target: its own process, compiled to plain JavaScript
 * here (types stripped, one file) so that, like ours after `npm run build`, it runs without tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { uplinkSchema } from '../../cloud-bridge/config.js';
import { townshipTopics } from '../../gateway/kernel/topics.js';
import { TOWNSHIP } from '../support/gateway-fixture.js';
import { trackProcess, untrackProcess } from './cleanup.js';
import { launcherSettings } from './launcher-settings.js';
import type { NullGatewayConfig } from './null-gateway.js';
import type { DeviceLogin, Target } from './targets.js';

const SOURCE = new URL('./null-gateway.ts', import.meta.url);
// Inside the project (gitignored) so that its bare imports (aedes, mqtt) resolve from node_modules.
const COMPILED = new URL('../../bench-results/.bin/null-gateway.js', import.meta.url).pathname;
const GATEWAY = '370283104-null-01';
const STARTED = '"msg":"null gateway started"';

let compiled = false;

/** Transpiles null-gateway.ts once per bench process; the rename keeps a concurrent bench from reading half a file. */
async function compileNullGateway(): Promise<string> {
  if (compiled) return COMPILED;
  const { default: ts } = await import('typescript'); // only when a run needs it: the report's tests do not
  const out = ts.transpileModule(readFileSync(SOURCE, 'utf8'), {
    fileName: 'null-gateway.ts',
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  mkdirSync(dirname(COMPILED), { recursive: true });
  const tmp = `${COMPILED}.${process.pid}.tmp`;
  writeFileSync(tmp, out.outputText);
  renameSync(tmp, COMPILED);
  compiled = true;
  return COMPILED;
}

export class NullGatewayTarget implements Target {
  readonly name = 'null-gateway' as const;
  port = 0;
  private proc: ChildProcess | null = null;
  private output = '';

  constructor(readonly devices: DeviceLogin[], private readonly townshipUrl: string) {}

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  async start(): Promise<void> {
    const config: NullGatewayConfig = {
      townshipUrl: this.townshipUrl,
      topic: townshipTopics({ township: TOWNSHIP, gateway: GATEWAY }).event('door'),
      clientId: GATEWAY,
      // The same window as our uplink's default (cloud-bridge/config.ts).
      window: uplinkSchema.shape.inflightWindow.parse(undefined),
      logins: Object.fromEntries(this.devices.map((d) => [d.username ?? d.id, d.password ?? ''])),
    };
    // The launcher's node flags and malloc settings, as ours gets them (a box starts `vgw run` through it).
    const { flags, env } = launcherSettings();
    const proc = spawn(process.execPath, [...flags, await compileNullGateway(), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.proc = proc;
    trackProcess(proc.pid, () => proc.kill('SIGKILL'));
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const until = Date.now() + 15_000;
    while (!this.output.includes(STARTED)) {
      if (proc.exitCode !== null) throw new Error(`null gateway exited (${proc.exitCode}):\n${this.output}`);
      if (Date.now() > until) throw new Error(`null gateway did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const line = this.output.split('\n').find((l) => l.includes(STARTED)) ?? '{}';
    this.port = (JSON.parse(line) as { port: number }).port;
  }

  /** Not part of any fault scenario (it holds nothing durable); here for the Target interface. */
  kill9(): Promise<void> {
    return this.signal('SIGKILL');
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill(sig);
      });
      clearTimeout(timer);
    }
    untrackProcess(proc.pid);
  }

  logs(): string {
    return this.output;
  }

  outboxRows(): null {
    return null;
  }

  dispose(): void {}
}

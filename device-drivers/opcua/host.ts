/**
 * The one OPC UA child process of a gateway (issue 15): forked only when an OPC UA device or the
 * gateway's OPC UA server starts, so the daemon never loads node-opcua (+65 MiB client, +125 MiB
 * server: research/protocols-and-footprint.md part C). It is supervised: a child that dies is started
 * again with a growing delay, and every user (a device, the server) is told it went down and is set
 * up again in the new child. Its failure is the OPC UA devices' fault, never the gateway's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { FromChild, ToChild } from './ipc.js';

/** What a user of the child hears: its messages from the child, and the child going down. */
export type HostMessage = FromChild | { t: 'child-down'; message: string };

/** A device or the server, as the host serves it. */
export interface OpcuaUser {
  deliver(msg: HostMessage): void;
  /** The messages that set this user up in a fresh child (sent at every child start). */
  setup(): ToChild[];
  /** The message that ends it in the child. */
  teardown(): ToChild;
}

export interface OpcuaHostOptions {
  /** Where the child keeps the gateway's application certificate and trust lists. */
  pkiDir: string;
  log: Logger;
  /** First restart delay; it doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** A child that stayed up this long is healthy: its next death starts the delay from the beginning. */
const HEALTHY_AFTER_MS = 30_000;
/** How long a stopping child may take to close its sessions before it is killed. */
const STOP_GRACE_MS = 3000;
/** Node flags of the child: a 1 MiB young generation cut node-opcua's RSS by ~30 MiB (research C.4). */
const CHILD_FLAGS = ['--max-semi-space-size=1'];

/** The child's entry file next to this one (`.ts` under tsx and vitest, `.js` once built). */
function childEntry(): { file: string; execArgv: string[] } {
  const ext = extname(fileURLToPath(import.meta.url));
  return { file: fileURLToPath(new URL(`./child/main${ext}`, import.meta.url)), execArgv: ext === '.ts' ? ['--import', 'tsx', ...CHILD_FLAGS] : CHILD_FLAGS };
}

export class OpcuaHost {
  private readonly users = new Map<string, OpcuaUser>();
  private child: ChildProcess | null = null;
  private ready = false;
  private timer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private upSince = 0;
  /** Times the child was started again after dying. */
  restarts = 0;

  constructor(private readonly o: OpcuaHostOptions) {
    this.delayMs = o.initialDelayMs ?? 500;
  }

  /** The running child's process id (tests kill it to prove the supervision). */
  get pid(): number | undefined {
    return this.ready ? this.child?.pid : undefined;
  }

  /** Adds a user under `key` (a device id, `server`); starts the child if it is the first. */
  attach(key: string, user: OpcuaUser): void {
    this.users.set(key, user);
    if (!this.child && !this.timer) this.spawn();
    else if (this.ready) for (const m of user.setup()) this.send(m);
  }

  /** Removes a user; the last one out stops the child. */
  async detach(key: string): Promise<void> {
    const user = this.users.get(key);
    if (!user) return;
    this.users.delete(key);
    if (this.users.size > 0) return this.send(user.teardown());
    await this.stopChild();
  }

  /** Sends to the child; dropped while it is down (each user is set up again when it is back). */
  send(msg: ToChild): void {
    if (this.ready && this.child?.connected) this.child.send(msg);
  }

  private spawn(): void {
    this.timer = null;
    const { file, execArgv } = childEntry();
    const child = fork(file, [], { execArgv, env: { ...process.env, VGW_OPCUA_PKI: this.o.pkiDir }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    this.child = child;
    this.ready = false;
    // node-opcua prints notices on stdout (the RSA PKCS#1 v1.5 warning on Node 20, research C.3).
    for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', (line) => this.o.log.debug({ pid: child.pid, line: line.slice(0, 500) }, 'opcua child output'));
    child.on('message', (m: FromChild) => this.onMessage(m));
    child.on('error', (err) => this.o.log.error({ err }, 'opcua child error'));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private onMessage(m: FromChild): void {
    if (m.t === 'ready') {
      this.ready = true;
      this.upSince = Date.now();
      this.o.log.info({ pid: this.child?.pid, users: [...this.users.keys()] }, 'opcua child ready');
      for (const user of this.users.values()) for (const s of user.setup()) this.send(s);
      return;
    }
    if (m.t === 'log') return void this.o.log[m.level](m.obj, m.msg);
    const key = 'device' in m ? m.device : 'server';
    this.users.get(key)?.deliver(m);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = false;
    if (this.users.size === 0) return;
    if (Date.now() - this.upSince > HEALTHY_AFTER_MS) this.delayMs = this.o.initialDelayMs ?? 500;
    const message = `the OPC UA child process exited (${signal ?? `code ${code}`}); restarting it in ${this.delayMs} ms`;
    this.o.log.error({ code, signal, delayMs: this.delayMs }, 'opcua child exited; restarting');
    for (const user of this.users.values()) user.deliver({ t: 'child-down', message });
    this.restarts++;
    this.timer = setTimeout(() => this.spawn(), this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, this.o.maxDelayMs ?? 30_000);
  }

  private async stopChild(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const child = this.child;
    this.child = null;
    this.ready = false;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send({ t: 'stop' } satisfies ToChild);
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(kill);
  }
}

/**
 * The daemon's side of the gateway's OPC UA server (issue 15). The server itself runs in the OPC UA
 * child; this side sends it the village's values (at start, every `refreshMs`, at once on an event
 * that changes them), checks its users' passwords against the config's hashes, and runs their method
 * calls through the command router as locally authenticated operators.
 */
import type { Logger } from 'pino';
import { verifyPassword } from '../../device-drivers/mqtt/passwords.js';
import type { HostMessage, OpcuaHost, OpcuaUser } from '../../device-drivers/opcua/host.js';
import type { ServerValue, ToChild } from '../../device-drivers/opcua/ipc.js';
import type { CommandRouter } from '../commands/router.js';
import { delayMs } from '../kernel/timers.js';
import type { OpcuaServerConfig } from './config.js';
import { METHODS } from './methods.js';
import type { VillageView } from './village-view.js';

export interface OpcuaServerDeps {
  config: OpcuaServerConfig;
  host: OpcuaHost;
  router: CommandRouter;
  view: VillageView;
  log: Logger;
}

export class OpcuaServerService {
  private timer: NodeJS.Timeout | null = null;
  private sent = new Map<string, ServerValue['value']>();
  private started: ((r: { ok: boolean; message: string }) => void) | null = null;
  /** The port it listens on once started (the config's, or the one picked for 0). */
  port = 0;

  constructor(private readonly d: OpcuaServerDeps) {}

  /** Starts the server in the child; resolves once it listens, throws with the reason if it cannot. */
  async start(): Promise<void> {
    const result = new Promise<{ ok: boolean; message: string }>((resolve) => (this.started = resolve));
    this.d.host.attach('server', this.user);
    const { ok, message } = await result;
    if (!ok) throw new Error(`opcuaServer: the OPC UA server did not start: ${message}; check opcuaServer.host and opcuaServer.port`);
    this.timer = setInterval(() => this.refresh(), delayMs(this.d.config.refreshMs));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.d.host.detach('server');
  }

  /** Sends the values that changed since the last refresh. */
  refresh(): void {
    const changed = this.d.view.values().filter((v) => this.sent.get(v.path.join('.')) !== v.value);
    if (changed.length === 0) return;
    for (const v of changed) this.sent.set(v.path.join('.'), v.value);
    this.d.host.send({ t: 'server-set', values: changed });
  }

  private readonly user: OpcuaUser = {
    deliver: (m) => void this.handle(m).catch((err: unknown) => this.d.log.error({ err, message: m.t }, 'opcua server request failed')),
    setup: (): ToChild[] => {
      const values = this.d.view.values();
      this.sent = new Map(values.map((v) => [v.path.join('.'), v.value]));
      const { host, port, security, maxSessions, acceptUnknownClients } = this.d.config;
      return [{ t: 'server-start', spec: { host, port, security, maxSessions, acceptUnknownClients, values, methods: METHODS.map(({ name, description, args }) => ({ name, description, args })) } }];
    },
    teardown: () => ({ t: 'server-stop' }),
  };

  private async handle(m: HostMessage): Promise<void> {
    switch (m.t) {
      case 'server-started':
        this.port = m.port;
        this.d.log.info({ port: m.port, endpoints: m.endpoints }, 'opcua server started');
        return this.started?.({ ok: true, message: 'started' });
      case 'server-failed':
        this.d.log.error({ message: m.message }, 'opcua server failed to start');
        return this.started?.({ ok: false, message: m.message });
      case 'login': {
        const user = this.d.config.users.find((u) => u.name === m.user);
        const ok = user ? await verifyPassword(m.password, user.passwordHash) : false;
        if (!ok) this.d.log.warn({ user: m.user.slice(0, 64), known: Boolean(user) }, 'opcua login refused');
        return this.d.host.send({ t: 'login-result', req: m.req, ok });
      }
      case 'call': {
        const route = METHODS.find((r) => r.name === m.method);
        const user = this.d.config.users.find((u) => u.name === m.user);
        if (!route || !user) return this.d.host.send({ t: 'call-result', req: m.req, ok: false, code: 'forbidden', message: `no such method or user` });
        const outcome = await this.d.router.runLocal({ name: route.command, params: route.params(m.args), operator: user.name, roles: user.roles, via: 'opcua' });
        this.refresh();
        return this.d.host.send({ t: 'call-result', req: m.req, ok: outcome.status !== 'rejected' && outcome.status !== 'failed', code: outcome.code, message: `${outcome.status}${outcome.status === 'done' || outcome.status === 'accepted' ? '' : `: ${outcome.message}`} (command ${outcome.id})` });
      }
      case 'child-down':
        this.d.log.error({ message: m.message }, 'opcua server down with its child process; it starts again with it');
        return;
      default:
        return;
    }
  }
}

/**
 * The ops HTTP endpoints (issue 13 item 3, issue 12 item 7), served twice by one handler: on the LAN
 * (`http.enabled`, token required except for /healthz) and always on `{dataDir}/status.sock`, a Unix
 * socket of mode 0600 that `vgw status` reads (the file's permissions are its access control).
 *
 * /healthz answers anyone: a status code and reason codes tell an attacker nothing a port scan would
 * not, and Docker's HEALTHCHECK and load balancers then need no secret.
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Component } from '../components.js';
import { warnIfExposed } from '../file-modes.js';
import { Activity } from './activity.js';
import { tokenCheck } from './auth.js';
import { evaluateHealth, UplinkDownWatch } from './health.js';
import { statusPage } from './page.js';
import type { PromMetrics } from './prom.js';
import { statusSnapshot, type StatusSnapshot } from './status.js';
import { pickLang } from './status-text.js';
import type { OpsSources } from './sources.js';

/** The status socket's file name in the data directory. */
export const STATUS_SOCKET = 'status.sock';

/** Connections served at once per server; a phone and a Prometheus need a handful. */
const MAX_CONNECTIONS = 32;

type Guard = (req: IncomingMessage) => boolean;

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
}

/** The ops views of one gateway and the servers that show them. */
export class OpsServer {
  readonly activity: Activity;
  readonly uplinkDown: UplinkDownWatch;
  /** prom-client is loaded at the first scrape: a box nobody scrapes does not pay its memory. */
  private prom: Promise<PromMetrics> | null = null;
  private unwatch: (() => void) | null = null;
  private lan: Server | null = null;
  private socket: Server | null = null;

  constructor(
    private readonly s: OpsSources,
    private readonly log: Logger,
  ) {
    this.activity = new Activity(s.clock);
    this.uplinkDown = new UplinkDownWatch(s);
  }

  /** The snapshot the page, the socket and `vgw status` show. */
  status(): StatusSnapshot {
    return statusSnapshot(this.s, this.activity, this.uplinkDown);
  }

  /** The LAN server's port (0 when it is off). */
  get port(): number {
    return (this.lan?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Components for the gateway's lifecycle: the watchers first, then the socket, then the LAN server. */
  components(): Component[] {
    return [
      {
        name: 'ops watchers',
        start: () => {
          this.unwatch = this.s.onCommitted(this.activity.committed);
          this.uplinkDown.start();
        },
        stop: async () => {
          this.unwatch?.();
          this.uplinkDown.stop();
          (await this.prom)?.stop();
        },
      },
      { name: 'status socket', optional: 'status socket not served; vgw status reads the database instead', start: () => this.startSocket(), stop: () => close(this.socket) },
      { name: 'http server', start: () => this.startLan(), stopMs: 3000, stop: () => close(this.lan) },
    ];
  }

  private async startSocket(): Promise<void> {
    const file = join(this.s.config().gateway.dataDir, STATUS_SOCKET);
    // We hold the data dir's lock, so a socket file left here is from a gateway that died.
    rmSync(file, { force: true });
    this.socket = this.server(() => true);
    await listen(this.socket, { path: file });
    chmodSync(file, 0o600);
  }

  private async startLan(): Promise<void> {
    const http = this.s.config().http;
    if (!http.enabled || !http.auth) return;
    if (http.auth.tokenFile) warnIfExposed(this.log, http.auth.tokenFile, 'the HTTP token');
    const allowed = tokenCheck(http.auth);
    this.lan = this.server(allowed);
    await listen(this.lan, { host: http.host, port: http.port });
    this.log.info({ host: http.host, port: this.port }, 'http server listening');
  }

  private server(allowed: Guard): Server {
    const server = createServer({ maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 5000 }, (req, res) => {
      this.handle(req, res, allowed).catch((err: unknown) => {
        this.log.error({ err, url: req.url }, 'http request failed');
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
        else res.destroy();
      });
    });
    server.maxConnections = MAX_CONNECTIONS;
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, allowed: Guard): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://vgw');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET\n', { allow: 'GET, HEAD' });
    if (url.pathname === '/healthz') {
      const h = evaluateHealth(this.s, this.uplinkDown);
      return send(res, h.ok ? 200 : 503, 'application/json', `${JSON.stringify(h)}\n`);
    }
    if (!['/', '/metrics', '/status.json'].includes(url.pathname)) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (!allowed(req)) {
      this.s.reject('system.http.refused', 'minor', req.socket.remoteAddress ?? '(unknown)', { reason: req.headers.authorization ? 'bad-credentials' : 'no-credentials', address: req.socket.remoteAddress ?? '' });
      return send(res, 401, 'text/plain; charset=utf-8', 'credentials required: Authorization: Bearer TOKEN, or Basic with the token as password\n', { 'www-authenticate': 'Basic realm="vgw", charset="UTF-8"' });
    }
    if (url.pathname === '/metrics') {
      this.prom ??= import('./prom.js').then((m) => m.buildPromMetrics(this.s, this.activity, this.uplinkDown));
      const reg = (await this.prom).registry;
      return send(res, 200, reg.contentType, await reg.metrics());
    }
    if (url.pathname === '/status.json') return send(res, 200, 'application/json', `${JSON.stringify(this.status())}\n`);
    const lang = pickLang(url.searchParams.get('lang') ?? undefined, req.headers['accept-language']);
    return send(res, 200, 'text/html; charset=utf-8', statusPage(this.status(), lang), { 'content-language': lang === 'zh' ? 'zh-CN' : 'en', vary: 'Accept-Language' });
  }
}

function listen(server: Server, at: { path: string } | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server | null): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The village LAN broker (aedes, MQTT 3.1.1): per-device logins, a namespace ACL (`dev/{device}/`
 * only), a payload size limit, and a PUBACK that waits for the device's handler — for events, until the
 * event is committed to SQLite (contract: "Local side"). Every LAN input is bounded before it is
 * buffered (issue 8): packet size at the socket, connections not yet logged in, password attempts,
 * client ids, retained state and each device's publish rate.
 */
import { delayMs } from './kernel/timers.js';
import { Aedes, type AedesOptions } from 'aedes';
import type { Client, PublishPacket, Subscription } from 'aedes';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { localTopic, parseLocalTopic } from './kernel/topics.js';
import type { Config } from './config/schema.js';
import type { MqttDeviceConfig } from '../device-drivers/mqtt/config.js';
import { GatewayError } from './kernel/errors.js';
import { DeviceRates, type RateSpec } from './lan/device-rate.js';
import { LoginThrottle } from './lan/login-throttle.js';
import { GuardedSocket, type GuardLimits, type GuardRefusal } from './lan/packet-guard.js';
import { PendingLogins, type PendingRefusal } from './lan/pending-logins.js';
import { RefusalLog } from './lan/refusal-log.js';
import type { LocalBus, LocalDeviceHandler } from '../device-drivers/local-bus.js';
import { verifyPassword } from '../device-drivers/mqtt/passwords.js';
import type { RejectionReports } from './reports.js';

type AuthError = Error & { returnCode: number };
const authError = (message: string, returnCode: number): AuthError => Object.assign(new Error(message), { returnCode });
/** CONNACK return codes of MQTT 3.1.1 [MQTT-3.2.2.3]. */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/**
 * Largest CONNECT: client id, username, password and a will (`dev/{id}/status`, `offline`) take a few
 * hundred bytes; 4 KiB leaves room and no more.
 */
const MAX_CONNECT_BYTES = 4096;

/**
 * Socket cap of a packet after login. Twice the payload cap plus the topic and header: a payload a
 * little over `maxPayloadBytes` is still read, refused as `too-large` and reported with the connection
 * kept, as before; anything bigger is cut at the socket before it is buffered.
 */
const packetCap = (maxPayloadBytes: number): number => 2 * maxPayloadBytes + 1024;

/**
 * Topics a device may retain (one message each, within the payload cap): its state and its status, so
 * aedes holds at most two retained messages per device (issue 8, finding 2).
 */
const RETAINABLE = new Set(['state', 'status']);
/** Topics whose messages the device's driver stores (`dev/{id}/event`, `state`, `status`). */
const STORED_KINDS = new Set(['event', 'state', 'status']);

/** What a refused subscription is turned into (see authorizeSubscribe): no publish ever matches it. */
const REFUSED_FILTER = '$vgw/refused';

/** Why the broker refused a connection or a login, as reported in `system.auth.failed`. */
type LoginRefusal = 'unknown-device' | 'bad-password' | 'anonymous' | 'throttled' | 'client-id';

export interface LocalBrokerDeps {
  config: Config['localBroker'];
  /** The devices that log in on this broker (their kinds' modules provide `lan-login`). */
  devices: readonly MqttDeviceConfig[];
  reports: RejectionReports;
  log: Logger;
}

export class LocalBroker implements LocalBus {
  private aedes: Aedes | null = null;
  private server: Server | null = null;
  private readonly handlers = new Map<string, LocalDeviceHandler>();
  /** Devices that log in to this broker (those with a password). */
  private readonly devices: Map<string, MqttDeviceConfig>;
  /** Open connections per device: a device is offline when its last one closes. */
  private readonly connections = new Map<string, number>();
  /** Logged-in clients, for a reload that logs out a removed or changed device. */
  private readonly clients = new Set<Client>();
  private readonly refusalLog: RefusalLog;
  private readonly pending: PendingLogins;
  /** Every open TCP connection, logged in or not: `stop` ends those aedes does not know (issue 9). */
  private readonly sockets = new Set<Socket>();
  private readonly throttle = new LoginThrottle();
  private readonly rates: DeviceRates;
  private readonly guardLimits: GuardLimits;
  /** Refusals at the socket and at login, by reason (every one counted, for health and tests). */
  readonly refusals = new Map<string, number>();

  constructor(private readonly deps: LocalBrokerDeps) {
    this.devices = new Map(deps.devices.map((d) => [d.id, d] as const));
    const c = deps.config;
    this.refusalLog = new RefusalLog(deps.log);
    this.pending = new PendingLogins({ total: c.maxPendingLogins, perAddress: c.maxPendingLoginsPerAddress, timeoutMs: c.loginTimeoutMs }, (reason, address) => this.refusedConnection(reason, { address }));
    // Devices of category `alarm` get a ten times higher rate, not none: an exempt device with a stolen
    // password would flood unbounded and starve every other alarm; 1000/s is far above any real panel,
    // and a publish held over the rate is slowed down, not lost.
    this.rates = new DeviceRates((id) => rateOf(this.devices.get(id), c), c.rateHoldMs);
    this.guardLimits = { beforeLogin: MAX_CONNECT_BYTES, beforeLoginTotal: 2 * MAX_CONNECT_BYTES, afterLogin: packetCap(c.maxPayloadBytes) };
  }

  /**
   * Takes a reloaded config's LAN devices (gateway/reload.ts): a removed device, or one whose password
   * or settings changed, is logged out (it logs in again under the new ones); the others stay connected.
   */
  setDevices(devices: readonly MqttDeviceConfig[]): void {
    const next = new Map(devices.map((d) => [d.id, d] as const));
    for (const client of this.clients) {
      const id = deviceOf(client);
      if (id && JSON.stringify(next.get(id)) !== JSON.stringify(this.devices.get(id))) client.close();
    }
    this.devices.clear();
    for (const [id, d] of next) this.devices.set(id, d);
  }

  attach(device: string, handler: LocalDeviceHandler): void {
    this.handlers.set(device, handler);
  }

  detach(device: string): void {
    this.handlers.delete(device);
  }

  sendCommand(device: string, payload: Buffer): Promise<void> {
    const broker = this.aedes;
    if (!broker) return Promise.reject(new Error('local broker is not running'));
    return new Promise((resolve, reject) => {
      broker.publish({ cmd: 'publish', topic: localTopic(device, 'cmd'), payload, qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve()));
    });
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const options: AedesOptions = {
      connectTimeout: this.deps.config.loginTimeoutMs,
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          () => done(null, true),
          (err: AuthError) => done(err, false),
        );
      },
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => done(null, this.authorizeSubscribe(client, sub)),
    };
    const broker = await Aedes.createBroker(options);
    broker.on('clientReady', (client) => this.connected(client));
    broker.on('clientDisconnect', (client) => this.disconnected(client));
    broker.on('clientError', (client, err) => {
      // Refused logins are already counted and logged, aggregated; one line per attempt would let a flood write the log.
      if ((err as Partial<AuthError>).returnCode !== undefined) return;
      this.deps.log.info({ device: deviceOf(client), err: err.message }, 'device connection error');
    });
    this.aedes = broker;
    const { tls, host, port } = this.deps.config;
    const accept = (socket: Socket): void => this.accept(broker, socket);
    const server = tls?.cert && tls.key ? createTlsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key), handshakeTimeout: this.deps.config.loginTimeoutMs }, accept) : createServer(accept);
    // First listener of the raw TCP connection (before TLS, before aedes): the pending-login caps.
    server.prependListener('connection', (raw: Socket) => {
      this.sockets.add(raw);
      // Nagle's algorithm held a PUBACK written right after a reply until the device's delayed ACK
      // (~40 ms each way): a reader's answer took 93 ms median, 7 ms with it off (issue 10).
      raw.setNoDelay(true);
      raw.once('close', () => this.sockets.delete(raw));
      this.pending.admit(raw);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new GatewayError('VGW_LOCAL_BROKER_LISTEN', `local broker cannot listen on ${host}:${port}: ${err.message}; pick a free port in localBroker.port or stop the other service`, false, { cause: err })));
      server.listen(port, host, () => resolve());
    });
    this.deps.log.info({ host, port: this.port, tls: Boolean(tls?.cert) }, 'local broker listening');
  }

  /** Stops intake: no new connections, every device disconnected. */
  async stop(): Promise<void> {
    const { server, aedes } = this;
    this.server = null;
    this.aedes = null;
    this.refusalLog.flush();
    // net.Server's close callback waits for every connection to end: close aedes' clients first.
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    // A connection that has not logged in (mid-handshake, a port scan) is no aedes client: without this
    // the server's close waited for its login timeout, and the stop step timed out (issue 9, item 5).
    for (const raw of this.sockets) raw.destroy();
    await serverClosed;
  }

  /** Hands a connection to aedes behind the packet guard. */
  private accept(broker: Aedes, socket: Socket): void {
    if (socket.destroyed) return; // refused by the pending-login caps
    const guarded = new GuardedSocket(socket, this.guardLimits, (r) => this.refusedPacket(r, guarded));
    broker.handle(guarded as unknown as Parameters<Aedes['handle']>[0]);
  }

  private refusedPacket(r: GuardRefusal, conn: GuardedSocket): void {
    const limit = r.reason === 'pre-login-bytes' ? this.guardLimits.beforeLoginTotal : conn.isAuthenticated ? this.guardLimits.afterLogin : this.guardLimits.beforeLogin;
    this.refusedConnection(r.reason, { address: conn.remoteAddress, packetType: r.packetType, bytes: r.bytes, limit });
  }

  /** Counts, logs (aggregated) and reports a connection cut before or outside a login. */
  private refusedConnection(reason: GuardRefusal['reason'] | PendingRefusal, sample: Record<string, unknown>): void {
    this.count(reason);
    // Only the reason goes into the report: its rate-limiting key must hold no attacker-chosen data.
    this.deps.reports.reject('system.lan.refused', reason === 'login-timeout' ? 'minor' : 'major', 'local-broker', { reason });
    this.refusalLog.note('LAN connection refused', reason, sample);
  }

  private count(reason: string): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<void> {
    const conn = client.conn as unknown as GuardedSocket;
    const address = conn.remoteAddress;
    const name = (username ?? '').slice(0, 64);
    const device = username ? this.devices.get(username) : undefined;
    const fail = (reason: LoginRefusal, code: number): never => {
      this.count(reason);
      // Subject and data name the real device or nothing: a presented username is anyone's choice, and
      // would split the reports' rate limiting into one report per name. The log keeps a sample.
      this.deps.reports.reject('system.auth.failed', 'minor', device?.id ?? 'local-broker', { username: device?.id ?? '', reason });
      this.refusalLog.note('device login refused', reason, { username: name, clientId: client.id.slice(0, 80), address });
      throw authError(`login refused: ${reason}`, code);
    };
    if (!username || !password) return fail('anonymous', NOT_AUTHORIZED);
    // Before any scrypt: refused at once, so a flood of guesses costs nothing (issue 8, finding 3).
    if (this.throttle.attempt(address, device?.id)) return fail('throttled', SERVER_UNAVAILABLE);
    if (!device) return fail('unknown-device', BAD_USERNAME_OR_PASSWORD);
    // A client id belongs to its device (issue 8, finding 5): B logging in with A's id would knock A off
    // [MQTT-3.1.4-2] and, with clean=false, take A's queued commands. `{id}` or `{id}-anything`.
    if (client.id !== device.id && !client.id.startsWith(`${device.id}-`)) return fail('client-id', IDENTIFIER_REJECTED);
    const closed = (): boolean => client.closed || conn.destroyed;
    if (!(await verifyPassword(password, device.passwordHash, closed))) return fail('bad-password', BAD_USERNAME_OR_PASSWORD);
    this.throttle.succeeded(address, device.id);
    conn.loggedIn();
    this.pending.loggedIn(conn.socket);
    (client as DeviceClient).vgwDevice = username;
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    if (!client) return done(null); // the gateway's own publishes (commands to devices)
    const device = deviceOf(client);
    const where = parseLocalTopic(packet.topic);
    if (!device || !where || where.device !== device || where.kind === 'cmd') {
      this.deps.reports.reject('system.acl.denied', 'major', device ?? '(unknown)', { device: device ?? '', topic: packet.topic.slice(0, 200), action: 'publish' });
      this.deps.log.warn({ device, topic: packet.topic }, 'publish outside the device namespace refused');
      return done(new Error('not authorised'));
    }
    // aedes nulls `client.will` right after this hook starts, so the identity test must be synchronous.
    const isWill = (client as DeviceClient).will === packet;
    const wait = isWill ? 0 : this.rates.take(device);
    if (wait === 0) return this.handlePublish(device, where.kind, packet, isWill, done);
    this.deps.reports.reject('system.payload.rejected', 'minor', device, { device, reason: 'rate-limited' });
    if (wait < 0) {
      this.refusalLog.note('device publish rate exceeded; connection closed', 'rate-limited', { device });
      return done(new Error('publish rate exceeded')); // no PUBACK: the device sends it again after reconnecting
    }
    this.refusalLog.note('device publish rate exceeded; publish held', 'rate-held', { device, waitMs: Math.round(wait) });
    // Held, not refused: aedes reads nothing more from this connection until `done`, so TCP slows the device.
    setTimeout(() => (client.closed ? done(new Error('connection closed')) : this.handlePublish(device, where.kind, packet, false, done)), delayMs(wait));
  }

  private handlePublish(device: string, topicKind: string, packet: PublishPacket, isWill: boolean, done: (err?: Error | null) => void): void {
    const handler = this.handlers.get(device);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const tooLarge = payload.length > this.deps.config.maxPayloadBytes;
    if (tooLarge) this.deps.reports.reject('system.payload.rejected', 'minor', device, { device, reason: 'too-large', bytes: payload.length });
    if (packet.retain) {
      // aedes keeps a retained message once this hook says yes, whatever we did with it (issue 8,
      // finding 2: 150 × 5 MB retained copies): refuse with an error what may not be kept, so it never is.
      if (tooLarge || !STORED_KINDS.has(topicKind)) {
        if (!tooLarge) this.deps.reports.reject('system.payload.rejected', 'minor', device, { device, reason: 'unknown-topic', bytes: payload.length });
        this.refusalLog.note('retained publish refused; connection closed', tooLarge ? 'too-large' : 'unknown-topic', { device, topic: packet.topic.slice(0, 200), bytes: payload.length });
        return done(new Error('retained publish refused'));
      }
      // A retained event is stored as an event like any other; the broker keeps no copy of it.
      if (!RETAINABLE.has(topicKind)) packet.retain = false;
    }
    if (tooLarge) return done(null);
    // No driver mounted (stopping, or its start failed): refuse rather than acknowledge what nobody stores.
    if (!handler) return done(new Error('device not mounted'));
    const kind = topicKind === 'event' || topicKind === 'state' || topicKind === 'status' ? topicKind : 'other';
    handler.onMessage(kind, payload, isWill).then(
      () => done(null),
      (err: unknown) => {
        // Not committed: no PUBACK. Closing the connection makes the device send it again.
        this.deps.log.error({ device, err }, 'device message not stored; connection closed so the device retries');
        done(err as Error);
      },
    );
  }

  private authorizeSubscribe(client: Client, sub: Subscription): Subscription | null {
    const device = deviceOf(client);
    const parts = sub.topic.split('/');
    const own = device !== undefined && parts[0] === 'dev' && parts[1] === device && parts.length >= 3;
    // A persistent session (clean=false) gets only its commands: aedes queues every matching publish for
    // it while it is offline, in memory and without bound (aedes #1087); `dev/{id}/#` would queue all of
    // the device's own events.
    const queued = own && !client.clean && sub.topic !== localTopic(device, 'cmd');
    if (own && !queued) return sub;
    if (sub.topic === REFUSED_FILTER) return null; // a filter refused before, restored with its session
    this.deps.reports.reject('system.acl.denied', 'major', device ?? '(unknown)', { device: device ?? '', topic: sub.topic.slice(0, 200), action: 'subscribe' });
    this.deps.log.warn({ device, topic: sub.topic, clean: client.clean }, queued ? 'persistent-session subscription refused: only dev/{id}/cmd is kept while offline' : 'subscription outside the device namespace refused');
    // aedes stores the SUBSCRIBE's whole filter list for a persistent session once any filter in it is
    // granted, refused ones included: `#` next to `dev/{id}/cmd` then queued every device's events for
    // it while offline. `sub` is that list's entry, so point it at a filter nothing publishes to; on
    // restore it is authorised again, and refused.
    sub.topic = REFUSED_FILTER;
    return null; // SUBACK 0x80 [MQTT-3.9.3]
  }

  private connected(client: Client): void {
    const device = deviceOf(client);
    if (!device) return;
    this.clients.add(client);
    const n = (this.connections.get(device) ?? 0) + 1;
    this.connections.set(device, n);
    this.deps.log.info({ device, clientId: client.id }, 'device connected');
    if (n === 1) this.handlers.get(device)?.onConnect();
  }

  private disconnected(client: Client): void {
    const device = deviceOf(client);
    if (!device) return;
    this.clients.delete(client);
    const n = Math.max(0, (this.connections.get(device) ?? 1) - 1);
    this.connections.set(device, n);
    this.deps.log.info({ device, clientId: client.id }, 'device disconnected');
    if (n === 0) this.handlers.get(device)?.onDisconnect('disconnect');
  }
}

type DeviceClient = Client & { vgwDevice?: string; will?: unknown };
const deviceOf = (client: Client): string | undefined => (client as DeviceClient).vgwDevice;

/** A device's publish rate: its own, else that of its category. */
function rateOf(device: MqttDeviceConfig | undefined, c: Config['localBroker']): RateSpec {
  return device?.rate ?? (device?.category === 'alarm' ? c.alarmRate : c.deviceRate);
}

/**
 * The village LAN broker (aedes, MQTT 3.1.1): per-device logins, a namespace ACL (`dev/{device}/`
 * only), a payload size limit, and a PUBACK that waits for the device's handler — for events, until the
 * event is committed to SQLite (contract: "Local side").
 */
import { Aedes, type AedesOptions } from 'aedes';
import type { Client, PublishPacket, Subscription } from 'aedes';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { localTopic, parseLocalTopic } from '../cloud-bridge/topics.js';
import type { Config, DeviceConfig, MqttDeviceConfig } from './config/schema.js';
import { GatewayError } from './errors.js';
import type { LocalBus, LocalDeviceHandler } from './local-bus.js';
import { verifyPassword } from './passwords.js';
import type { RejectionReports } from './reports.js';

type AuthError = Error & { returnCode: number };
const authError = (message: string, returnCode: number): AuthError => Object.assign(new Error(message), { returnCode });
/** CONNACK return codes of MQTT 3.1.1 [MQTT-3.2.2.3]. */
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

export interface LocalBrokerDeps {
  config: Config['localBroker'];
  devices: readonly DeviceConfig[];
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

  constructor(private readonly deps: LocalBrokerDeps) {
    this.devices = new Map(deps.devices.flatMap((d) => (d.driver === 'mqtt' ? [[d.id, d] as const] : [])));
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
    broker.on('clientError', (client, err) => this.deps.log.info({ device: deviceOf(client), err: err.message }, 'device connection error'));
    this.aedes = broker;
    const { tls, host, port } = this.deps.config;
    const server = tls?.cert && tls.key ? createTlsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, broker.handle) : createServer(broker.handle);
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
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<void> {
    const fail = (reason: 'unknown-device' | 'bad-password' | 'anonymous', code: number): never => {
      const name = (username ?? '').slice(0, 64);
      this.deps.reports.reject('system.auth.failed', 'minor', name || '(anonymous)', { username: name, reason });
      this.deps.log.warn({ username, clientId: client.id, reason }, 'device login refused');
      throw authError(`login refused: ${reason}`, code);
    };
    if (!username || !password) return fail('anonymous', NOT_AUTHORIZED);
    const device = this.devices.get(username);
    if (!device) return fail('unknown-device', BAD_USERNAME_OR_PASSWORD);
    if (!(await verifyPassword(password, device.passwordHash))) return fail('bad-password', BAD_USERNAME_OR_PASSWORD);
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
    const handler = this.handlers.get(device);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (payload.length > this.deps.config.maxPayloadBytes) {
      this.deps.reports.reject('system.payload.rejected', 'minor', device, { device, reason: 'too-large', bytes: payload.length });
      return done(null);
    }
    // No driver mounted (stopping, or its start failed): refuse rather than acknowledge what nobody stores.
    if (!handler) return done(new Error('device not mounted'));
    // aedes nulls `client.will` right after this hook starts, so the identity test must be synchronous.
    const isWill = (client as DeviceClient).will === packet;
    const kind = where.kind === 'event' || where.kind === 'state' || where.kind === 'status' ? where.kind : 'other';
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
    if (own) return sub;
    this.deps.reports.reject('system.acl.denied', 'major', device ?? '(unknown)', { device: device ?? '', topic: sub.topic.slice(0, 200), action: 'subscribe' });
    this.deps.log.warn({ device, topic: sub.topic }, 'subscription outside the device namespace refused');
    return null; // SUBACK 0x80 [MQTT-3.9.3]
  }

  private connected(client: Client): void {
    const device = deviceOf(client);
    if (!device) return;
    const n = (this.connections.get(device) ?? 0) + 1;
    this.connections.set(device, n);
    this.deps.log.info({ device, clientId: client.id }, 'device connected');
    if (n === 1) this.handlers.get(device)?.onConnect();
  }

  private disconnected(client: Client): void {
    const device = deviceOf(client);
    if (!device) return;
    const n = Math.max(0, (this.connections.get(device) ?? 1) - 1);
    this.connections.set(device, n);
    this.deps.log.info({ device, clientId: client.id }, 'device disconnected');
    if (n === 0) this.handlers.get(device)?.onDisconnect('disconnect');
  }
}

type DeviceClient = Client & { vgwDevice?: string; will?: unknown };
const deviceOf = (client: Client): string | undefined => (client as DeviceClient).vgwDevice;

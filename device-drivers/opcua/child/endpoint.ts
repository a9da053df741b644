/**
 * One OPC UA device in the child: connect, log in, subscribe to its items, report every value change
 * and keep it until the daemon acknowledges it (after commit). node-opcua's own reconnection is off
 * (maxRetry 0): after a server restart its session and subscription are gone anyway, so the loop here
 * builds everything again, with a growing delay, and the fresh monitored items report the current
 * values the daemon compares with what it committed.
 */
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  ClientMonitoredItem,
  DataType,
  makeBrowsePath,
  resolveNodeId,
  OPCUAClient,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type StatusCode,
  type UserIdentityInfo,
} from 'node-opcua-client';
import type { FromChild, ItemSpec, MountSpec, ValueReport } from '../ipc.js';
import { DEVICE_KEYS, explain, explainItem } from './errors.js';
import { securityMode, securityPolicy } from './security.js';

/** A report not acknowledged in this long is sent again (the daemon's commit failed or was slow). */
const RESEND_AFTER_MS = 5000;
/** Reports kept unacknowledged at most; beyond, the oldest are dropped and counted (the daemon cannot commit). */
const MAX_UNACKED = 10_000;
const FIRST_DELAY_MS = 500;

type Send = (m: FromChild) => void;

function scalar(dv: DataValue): ValueReport['value'] {
  const v: unknown = dv.value?.value;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || v === undefined) return null;
  return JSON.stringify(v).slice(0, 1024);
}

export class Endpoint {
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private stopped = false;
  private seq = 0;
  private readonly unacked = new Map<number, { report: ValueReport; sentAt: number }>();
  private readonly nodes = new Map<string, string>();
  private readonly resend: NodeJS.Timeout;
  private wake: (() => void) | null = null;
  dropped = 0;

  constructor(
    private readonly spec: MountSpec,
    private readonly send: Send,
    private readonly certificates: () => Promise<OPCUACertificateManager>,
    private readonly pkiDir: string,
  ) {
    this.resend = setInterval(() => this.resendOld(), 1000);
  }

  start(): void {
    void this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resend);
    this.wake?.();
    await this.close();
  }

  ack(seq: number): void {
    this.unacked.delete(seq);
  }

  /** Writes `value` to a writable item, in the node's own built-in type. */
  async write(item: string, value: unknown): Promise<{ ok: boolean; message: string }> {
    const session = this.session;
    const nodeId = this.nodes.get(item);
    if (!session || !nodeId) return { ok: false, message: 'not connected' };
    const node = resolveNodeId(nodeId);
    const dataType: DataType = await session.getBuiltInDataType(node);
    const status: StatusCode = await session.write({ nodeId: node, attributeId: AttributeIds.Value, value: { value: { dataType, value: coerce(dataType, value) } } });
    return { ok: status.isGood(), message: status.name };
  }

  private async loop(): Promise<void> {
    let delay = FIRST_DELAY_MS;
    while (!this.stopped) {
      let lose: (reason: string) => void = () => {};
      const lost = new Promise<string>((resolve) => (lose = resolve));
      this.wake = () => lose('stopped');
      try {
        await this.connect((reason) => lose(reason));
        if (this.stopped) return await this.close(); // stopped while connecting: close what was just opened
        this.send({ t: 'online', device: this.spec.device });
        delay = FIRST_DELAY_MS;
        const reason = await lost;
        if (!this.stopped) this.send({ t: 'offline', device: this.spec.device, reason: 'connection-lost', message: `device "${this.spec.device}" (${this.spec.endpoint}): connection lost (${reason}); reconnecting` });
      } catch (err) {
        const itemFailed = (err as { itemFailed?: boolean }).itemFailed === true;
        if (!this.stopped) this.send({ t: 'offline', device: this.spec.device, reason: itemFailed ? 'item-failed' : 'connect-failed', message: itemFailed ? (err as Error).message : explain(this.target(), err, this.pkiDir) });
      }
      await this.close();
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      delay = Math.min(delay * 2, this.spec.reconnectMaxMs);
    }
  }

  private target() {
    const { device, endpoint, security, user } = this.spec;
    return { where: `device "${device}" (${endpoint})`, endpoint, security, user: user?.name, keys: DEVICE_KEYS };
  }

  private async connect(onLost: (reason: string) => void): Promise<void> {
    const { spec } = this;
    const client = OPCUAClient.create({
      applicationName: 'village-gateway',
      endpointMustExist: false,
      securityMode: securityMode(spec.security),
      securityPolicy: securityPolicy(spec.security),
      clientCertificateManager: await this.certificates(),
      // Our loop reconnects (see the header); node-opcua's would resume a session the server forgot.
      connectionStrategy: { maxRetry: 0, initialDelay: 500, maxDelay: 1000 },
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
    });
    this.client = client;
    client.on('connection_lost', () => onLost('connection lost'));
    client.on('close', () => onLost('closed'));
    await client.connect(spec.endpoint);
    const identity: UserIdentityInfo = spec.user ? { type: UserTokenType.UserName, userName: spec.user.name, password: spec.user.password } : { type: UserTokenType.Anonymous };
    const session = await client.createSession(identity);
    this.session = session;
    session.on('session_closed', () => onLost('session closed'));
    const subscription = await session.createSubscription2({ requestedPublishingInterval: spec.publishingIntervalMs, requestedLifetimeCount: 60, requestedMaxKeepAliveCount: 10, maxNotificationsPerPublish: 1000, publishingEnabled: true, priority: 10 });
    subscription.on('terminated', () => onLost('subscription terminated'));
    for (const item of spec.items) await this.monitor(session, subscription, item);
  }

  private async resolve(session: ClientSession, item: ItemSpec): Promise<string> {
    if (item.nodeId) return item.nodeId;
    const result = await session.translateBrowsePath(makeBrowsePath('RootFolder', `/Objects${item.browsePath ?? ''}`));
    const target = result.targets?.[0]?.targetId;
    if (!result.statusCode.isGood() || !target) throw Object.assign(new Error(explainItem(this.spec.device, item.name, item.browsePath ?? '', result.statusCode.name)), { itemFailed: true });
    return target.toString();
  }

  private async monitor(session: ClientSession, subscription: ClientSubscription, item: ItemSpec): Promise<void> {
    const nodeId = await this.resolve(session, item);
    this.nodes.set(item.name, nodeId);
    const monitored = ClientMonitoredItem.create(subscription, { nodeId, attributeId: AttributeIds.Value }, { samplingInterval: item.samplingIntervalMs, discardOldest: true, queueSize: 100 }, TimestampsToReturn.Both);
    monitored.on('changed', (dv: DataValue) => this.report(item.name, dv));
    await new Promise<void>((resolve, reject) => {
      monitored.once('initialized', () => resolve());
      monitored.once('err', (message: string) => reject(Object.assign(new Error(explainItem(this.spec.device, item.name, nodeId, message)), { itemFailed: true })));
    });
  }

  private report(item: string, dv: DataValue): void {
    const report: ValueReport = { t: 'value', device: this.spec.device, seq: ++this.seq, item, value: scalar(dv), status: dv.statusCode.name, sourceTs: dv.sourceTimestamp?.toISOString() ?? null };
    if (this.unacked.size >= MAX_UNACKED) {
      const oldest = this.unacked.keys().next().value as number;
      this.unacked.delete(oldest);
      this.dropped++;
    }
    this.unacked.set(report.seq, { report, sentAt: Date.now() });
    this.send(report);
  }

  private resendOld(): void {
    const now = Date.now();
    for (const entry of this.unacked.values()) {
      if (now - entry.sentAt < RESEND_AFTER_MS) continue;
      entry.sentAt = now;
      this.send(entry.report);
    }
  }

  private async close(): Promise<void> {
    const { client, session } = this;
    this.client = null;
    this.session = null;
    this.nodes.clear();
    if (client) client.removeAllListeners();
    await session?.close().catch(() => {});
    await client?.disconnect().catch(() => {});
  }
}

/** A command's JSON value in the node's built-in type (OPC 10000-6 §5.1.2). */
function coerce(dataType: DataType, value: unknown): unknown {
  if (dataType === DataType.Boolean) return value === true || value === 'true' || value === 1;
  if (dataType === DataType.String) return String(value);
  if (dataType === DataType.Int64 || dataType === DataType.UInt64) return [0, Number(value)];
  return Number(value);
}

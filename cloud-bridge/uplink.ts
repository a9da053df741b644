/**
 * The township connection (mqtt.js). Drains the outbox in (priority, id) order with a bounded window of
 * unacknowledged messages and deletes a row only on its PUBACK. MQTT.js's own queue is never trusted
 * (its offline store is memory: mqttjs#398, #607, #2015): every connection is a new client with
 * automatic reconnect off, and after a drop the rows in flight are simply sent again from SQLite.
 */
import { delayMs } from '../gateway/kernel/timers.js';
import { connect, type IClientOptions, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { isoLocal, type Clock } from '../gateway/kernel/clock.js';
import type { UplinkConfig } from './config.js';
import { Backoff } from './backoff.js';
import { uplinkErrorLogger } from './connect-hints.js';
import { uplinkCredentials } from './uplink-credentials.js';
import type { Outbox, OutboxRow } from './outbox.js';
import type { PictureLane, PictureLink } from './picture-lane.js';
import type { TownshipTopics } from '../gateway/kernel/topics.js';

export type UplinkState = 'connected' | 'connecting' | 'disconnected';

/** Handles one command message; resolve when its outcome is stored (then it is acknowledged). */
export type CommandHandler = (topic: string, payload: Buffer, properties: IPublishPacket['properties']) => Promise<void>;

export interface UplinkDeps {
  config: UplinkConfig;
  gatewayId: string;
  version: string;
  bootId: string;
  outbox: Outbox;
  topics: TownshipTopics;
  clock: Clock;
  log: Logger;
  onCommand: CommandHandler;
  /** Camera pictures, sent only while the outbox is idle (issue 11); absent: none. */
  pictures?: PictureLane;
}

/** Rows asked of SQLite per page while draining. */
const PAGE = 256;
/** Persistent session lifetime (MQTT 5): commands sent while we are offline wait this long. */
const SESSION_EXPIRY_SEC = 24 * 3600;

export class Uplink {
  private client: MqttClient | null = null;
  /** Bumped per connection: callbacks of an older client are ignored. */
  private generation = 0;
  private readonly inflight = new Set<number>();
  private cursor = { prio: 0, id: 0 };
  private draining = false;
  private drainScheduled = false;
  private stopping = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  /** Logs a connection error with what to fix (cloud-bridge/connect-hints.ts, shared with `vgw check`). */
  private readonly logError: (err: Error) => void;
  /**
   * True when every row in the outbox has been handed to the client: new rows can then go out as they
   * are committed, without being read back from SQLite.
   */
  private caughtUp = false;
  private readonly onAdded = (rows: OutboxRow[], minPrio: number): void => {
    const window = this.deps.config.inflightWindow;
    if (this.caughtUp && rows.length > 0 && this.state === 'connected' && this.inflight.size + rows.length <= window) {
      for (const row of rows) {
        this.send(row);
        if (row.prio > this.cursor.prio || (row.prio === this.cursor.prio && row.id > this.cursor.id)) this.cursor = { prio: row.prio, id: row.id };
      }
      return;
    }
    // Not all of them can go now: page from SQLite, starting no later than the best new row.
    this.caughtUp = false;
    if (minPrio < this.cursor.prio) this.cursor = { prio: minPrio, id: 0 };
    this.drain();
  };
  /** What the picture lane may do on this connection. */
  private readonly pictureLink: PictureLink = {
    idle: () => this.idle(),
    publish: (topic, payload, done) => this.publishPicture(topic, payload, done),
    retry: () => this.offerPicture(),
  };
  state: UplinkState = 'disconnected';
  /** True once the township acknowledged this connection's command subscription (SUBACK). */
  commandsReady = false;
  connectedSince: number | null = null;
  reconnects = 0;
  delivered = 0;

  constructor(private readonly deps: UplinkDeps) {
    this.backoff = new Backoff(deps.config.backoffInitialMs, deps.config.backoffMaxMs);
    this.logError = uplinkErrorLogger(deps.log, deps.config);
  }

  start(): void {
    this.deps.outbox.on('added', this.onAdded);
    this.deps.pictures?.store.on('waiting', this.pictureLink.retry);
    this.connect();
  }

  /** Clean shutdown: lets in-flight messages finish (bounded), says offline, closes. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    this.deps.outbox.off('added', this.onAdded);
    this.deps.pictures?.store.off('waiting', this.pictureLink.retry);
    this.deps.pictures?.stop();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    if (!client) return;
    // A CONNACK still on its way must not start a session on a client being ended: mqtt.js would emit
    // 'connect' with its stores already gone, and the birth publish throws (seen in tests that stop
    // a gateway that was still connecting).
    if (this.state !== 'connected') this.generation++;
    if (this.state === 'connected') {
      const until = Date.now() + graceMs;
      while (this.inflight.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const offline = JSON.stringify({ online: false, ts: isoLocal(this.deps.clock.now()), reason: 'shutdown' });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs(graceMs));
        client.publish(this.deps.topics.status, offline, { qos: 1, retain: true }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    this.client = null;
    this.state = 'disconnected';
  }

  private options(): IClientOptions {
    const { config, gatewayId, topics, clock } = this.deps;
    const will = JSON.stringify({ online: false, ts: isoLocal(clock.now()), reason: 'lwt' });
    return {
      ...uplinkCredentials(config),
      clientId: gatewayId,
      keepalive: config.keepaliveSec,
      // Issue 14: by default every PUBACK cleared and set the keepalive timer again. Without it a PINGREQ
      // goes every keepalive even while busy, and a dead link is still found within 1.5 keepalives.
      reschedulePings: false,
      // A persistent session keeps commands queued at the township while the village is offline.
      clean: false,
      properties: config.protocolVersion === 5 ? { sessionExpiryInterval: SESSION_EXPIRY_SEC } : undefined,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      will: { topic: topics.status, payload: Buffer.from(will), qos: 1, retain: true },
    };
  }

  private connect(): void {
    if (this.stopping) return;
    const gen = ++this.generation;
    this.state = 'connecting';
    let client: MqttClient;
    try {
      client = connect(this.deps.config.url, this.options());
    } catch (err) {
      this.deps.log.error({ err }, 'uplink cannot be configured');
      this.scheduleReconnect();
      return;
    }
    this.client = client;
    client.handleMessage = (packet, done) => {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      this.deps.onCommand(packet.topic, payload, packet.properties).then(
        () => done(),
        (err: unknown) => {
          // Outcome not stored: no PUBACK; dropping the link makes the broker deliver it again.
          this.deps.log.error({ err, topic: packet.topic }, 'command not stored; dropping the uplink so it is redelivered');
          client.end(true);
        },
      );
    };
    client.on('connect', () => {
      if (gen !== this.generation) return;
      this.state = 'connected';
      this.connectedSince = Date.now();
      this.backoff.reset();
      this.deps.log.info({ url: this.deps.config.url, backlog: this.deps.outbox.depth }, 'uplink connected');
      this.announce(client);
      client.subscribe(this.deps.topics.commandFilters, { qos: 1 }, (err) => {
        if (gen !== this.generation) return;
        if (err) this.deps.log.error({ err }, 'command subscription failed');
        else this.commandsReady = true;
      });
      this.cursor = { prio: 0, id: 0 };
      this.caughtUp = false;
      this.drain();
    });
    client.on('error', (err) => {
      if (gen === this.generation) this.logError(err);
    });
    client.on('close', () => {
      if (gen !== this.generation || this.stopping) return;
      if (this.state === 'connected') this.deps.log.warn({ inflight: this.inflight.size, backlog: this.deps.outbox.depth }, 'uplink lost');
      this.state = 'disconnected';
      this.commandsReady = false;
      this.connectedSince = null;
      this.inflight.clear();
      this.deps.pictures?.reset();
      client.end(true);
      this.scheduleReconnect();
    });
  }

  private announce(client: MqttClient): void {
    const { topics, clock, version, bootId, outbox } = this.deps;
    const birth = JSON.stringify({ online: true, ts: isoLocal(clock.now()), version, bootId, backlog: outbox.depth });
    client.publish(topics.status, birth, { qos: 1, retain: true });
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.backoff.next();
    this.reconnects++;
    this.deps.log.info({ delayMs: delay }, 'uplink reconnect scheduled');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Sends rows in drain order until the window is full or the outbox is exhausted. */
  private drain(): void {
    if (this.draining || this.caughtUp) return;
    this.draining = true;
    try {
      const window = this.deps.config.inflightWindow;
      while (this.client && this.state === 'connected' && !this.stopping && this.inflight.size < window) {
        const want = Math.min(PAGE, window - this.inflight.size);
        const rows = this.deps.outbox.page(this.cursor.prio, this.cursor.id, want);
        for (const row of rows) {
          this.cursor = { prio: row.prio, id: row.id };
          if (!this.inflight.has(row.id)) this.send(row);
        }
        if (rows.length < want) {
          this.caughtUp = true;
          break;
        }
      }
    } finally {
      this.draining = false;
    }
    if (this.caughtUp && this.inflight.size === 0) this.offerPicture();
  }

  /** Connected, every outbox row sent and acknowledged: the only time a picture may go. */
  private idle(): boolean {
    return this.state === 'connected' && !this.stopping && this.caughtUp && this.inflight.size === 0 && this.client !== null;
  }

  private offerPicture(): void {
    const pictures = this.deps.pictures;
    if (pictures && pictures.waiting > 0 && this.idle()) pictures.offer(this.pictureLink);
  }

  /** Publishes a picture (QoS 1) on the current connection; not called back once that connection is gone. */
  private publishPicture(topic: string, payload: Buffer, done: (acked: boolean) => void): void {
    const client = this.client;
    if (!client) return;
    const gen = this.generation;
    client.publish(topic, payload, { qos: 1, retain: false }, (err) => {
      if (gen !== this.generation) return;
      const code = (err as { code?: unknown } | undefined)?.code;
      if (err && typeof code !== 'number') return; // the link is going: sent again on the next one
      if (err) this.deps.log.error({ topic, reasonCode: code, bytes: payload.length }, 'township broker refused a picture; dropped');
      done(!err);
    });
  }

  /** Publishes one row; its PUBACK deletes it, anything else leaves it for the next connection. */
  private send(row: OutboxRow): void {
    const client = this.client;
    if (!client) return;
    const gen = this.generation;
    this.inflight.add(row.id);
    client.publish(row.topic, row.payload, { qos: row.qos, retain: row.retain }, (err) => {
      if (gen !== this.generation) return;
      this.inflight.delete(row.id);
      if (err) {
        // A PUBACK reason code >= 0x80 (MQTT 5) is a refusal, e.g. the broker's ACL: the row stays
        // and is tried again after the next reconnect; anything else means the link is going.
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'number') this.deps.log.error({ topic: row.topic, reasonCode: code, err: err.message }, 'township broker refused a message; check its ACL');
        return;
      }
      this.deps.outbox.ack(row.id, row.payload.length);
      this.delivered++;
      if (!this.caughtUp) this.scheduleDrain();
      else if (this.inflight.size === 0) this.offerPicture();
    });
  }

  /**
   * Best-effort publish while connected, never stored: metrics (QoS 0; stale ones are worthless) and
   * the copy of a reply on an MQTT 5 response topic (the durable one goes to `replies/{id}`).
   */
  publishVolatile(topic: string, payload: string | Buffer, qos: 0 | 1 = 0, properties?: IClientPublishOptions['properties']): void {
    if (this.state === 'connected') this.client?.publish(topic, payload, { qos, properties });
  }
}

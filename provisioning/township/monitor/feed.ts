/**
 * The monitoring center's subscription to the township broker (the only monitor file that imports
 * mqtt). Each message goes to the sink before it is acknowledged: mqtt.js sends the PUBACK of a QoS 1
 * message only when `handleMessage` calls back, so an archiver stores an event before the broker may
 * forget it (store first, acknowledge second). A sink that throws leaves the message unacknowledged
 * and drops the link; with a persistent session the broker delivers it again after the reconnect
 * [MQTT-4.4.0-1].
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { deviceStateFilters, monitorFilters, type MonitorScope } from '../../../gateway/kernel/topics.js';
import type { LinkState } from './model.js';

export interface FeedOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  ca?: Buffer | undefined;
  protocolVersion: 4 | 5;
  scope: MonitorScope;
  /**
   * Keep the session at the broker while this client is away, so events published meanwhile wait for
   * it (archivers). The broker's queue limit applies (Mosquitto: `max_queued_messages`).
   */
  persistent: boolean;
  /** Also take the retained device states (`devices/+/state`): the console's device table; an archiver keeps none. */
  deviceStates?: boolean | undefined;
}

/** Handles one message; throwing or rejecting means "not stored": no PUBACK. */
export type FeedSink = (topic: string, payload: Buffer) => void | Promise<void>;

/** How long the broker keeps a persistent session of an absent archiver (MQTT 5). */
const SESSION_EXPIRY_SEC = 7 * 24 * 3600;

export class UplinkFeed {
  private client: MqttClient | null = null;
  private stopping = false;
  state: LinkState = 'connecting';
  /** Called on every change of `state`. */
  onState: (state: LinkState) => void = () => {};

  constructor(
    private readonly o: FeedOptions,
    private readonly sink: FeedSink,
    private readonly log: Logger,
  ) {}

  /** The MQTT client id this feed connects with. */
  get clientId(): string {
    return this.o.clientId;
  }

  /** Connects and subscribes; resolves once the subscriptions are granted. */
  async start(): Promise<void> {
    const { o } = this;
    const options: IClientOptions = {
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      ca: o.ca,
      protocolVersion: o.protocolVersion,
      clean: !o.persistent,
      properties: o.protocolVersion === 5 && o.persistent ? { sessionExpiryInterval: SESSION_EXPIRY_SEC } : undefined,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    };
    const client = connect(o.url, options);
    this.client = client;
    client.handleMessage = (packet, done) => {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const notStored = (err: unknown): void => {
        this.log.error({ err, topic: packet.topic }, 'message not stored; dropping the link so the broker delivers it again');
        client.stream.destroy();
      };
      let stored: void | Promise<void>;
      try {
        stored = this.sink(packet.topic, payload);
      } catch (err) {
        notStored(err);
        return;
      }
      // A synchronous sink (the console alone) acknowledges in the same turn.
      if (stored instanceof Promise) stored.then(() => done(), notStored);
      else done();
    };
    client.on('connect', () => this.setState('connected'));
    client.on('reconnect', () => this.setState('connecting'));
    client.on('close', () => this.setState('disconnected'));
    client.on('error', (err) => this.log.warn({ err: err.message, code: (err as { code?: unknown }).code }, 'township broker error'));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const { presence, events } = monitorFilters(o.scope);
    // mqtt.js subscribes again by itself after every reconnect (`resubscribe`, on by default).
    const granted = await client.subscribeAsync([...presence, ...events, ...(o.deviceStates ? deviceStateFilters(o.scope) : [])], { qos: 1 });
    const refused = granted.filter((g) => g.qos >= 0x80).map((g) => g.topic);
    if (refused.length) throw new Error(`the broker refused the subscription to ${refused.join(', ')}; check its ACL for this user`);
    this.log.info({ url: o.url, clientId: o.clientId, presence, events }, 'monitor subscribed');
  }

  /**
   * Closes the persistent session of a connection the archiver no longer opens (its `--connections`
   * went down, or its client id changed): the broker keeps queueing a shared group's events for an
   * offline member (Mosquitto does), which nobody would ever take. Takes what waits there through the
   * sink, leaves the group, and ends the session. Resolves with the messages taken; 0 when none existed.
   */
  async retire(quietMs = 1000): Promise<number> {
    const { o } = this;
    let taken = 0;
    const client = connect(o.url, {
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      ca: o.ca,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SEC },
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    let last = Date.now();
    client.handleMessage = (packet, done) => {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      Promise.resolve(this.sink(packet.topic, payload)).then(() => {
        taken++;
        last = Date.now();
        done();
      }, (err: unknown) => {
        // Not stored: the session stays, and the next start tries again.
        this.log.error({ err, clientId: o.clientId }, 'message of a retired session not stored; kept for the next start');
        client.stream.destroy();
      });
    };
    const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
      client.once('connect', (p) => resolve(p));
      client.once('error', reject);
    });
    if (connack.sessionPresent) {
      while (Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, 100));
      const { events } = monitorFilters(o.scope);
      // Out of the group first: nothing new is queued for it, and what came before UNSUBACK was handled.
      await client.unsubscribeAsync(events);
      this.log.warn({ clientId: o.clientId, taken }, 'retired the session of a connection no longer used');
    }
    await client.endAsync(false, { properties: { sessionExpiryInterval: 0 } });
    return taken;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.stopping = true;
    if (client) await client.endAsync();
  }

  private setState(state: LinkState): void {
    if (state === this.state || this.stopping) return;
    this.state = state;
    if (state !== 'connected') this.log.warn({ state }, 'township broker link changed');
    else this.log.info({ state }, 'township broker link changed');
    this.onState(state);
  }
}

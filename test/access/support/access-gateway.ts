/**
 * An in-process gateway with the access service, readers on its local broker (real aedes, real mqtt.js
 * clients) and test doors; helpers to sign commands, read events, records and replies, and to scan
 * everything the gateway wrote for credential values in clear.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { hashPassword } from '../../../device-drivers/mqtt/passwords.js';
import { defaultModules } from '../../../device-drivers/registry.js';
import { parseConfig } from '../../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../../gateway/create-gateway.js';
import type { Clock } from '../../../gateway/kernel/clock.js';
import { generateOperatorKey, signCommand } from '../../../gateway/kernel/signing.js';
import { deviceClient } from '../../support/devices.js';
import { LogSink, TOWNSHIP } from '../../support/gateway-fixture.js';
import { testDoorModule } from './test-door.js';

export const modules = [...defaultModules, testDoorModule];
export const admin = generateOperatorKey();
export const doorKey = generateOperatorKey();
export const broadcastKey = generateOperatorKey();
export const READER_PASSWORD = 'reader-secret-1';
const readerHash = hashPassword(READER_PASSWORD);

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  synced(): boolean {
    return true;
  }
}

export interface ReaderSpec {
  id: string;
  door: string;
  direction?: 'in' | 'out';
  doors?: string[];
}

export interface AccessOptions {
  gatewayId?: string;
  uplinkUrl?: string;
  readers?: ReaderSpec[];
  doors?: string[];
  access?: Record<string, unknown>;
  clock?: Clock;
  dataDir?: string;
  maxPayloadBytes?: number;
  /** The outbox's disk limits (full-disk tests). */
  outbox?: Record<string, unknown>;
}

export async function accessConfig(o: AccessOptions & { dataDir: string; gatewayId: string }) {
  const doors = o.doors ?? ['east-gate', 'west-gate'];
  const readers = o.readers ?? [{ id: 'reader-east', door: 'east-gate' }];
  return {
    gateway: { id: o.gatewayId, township: TOWNSHIP, dataDir: o.dataDir, clockSyncedFile: '/' },
    localBroker: { host: '127.0.0.1', port: 0 },
    // Nobody listens on port 9 unless a test gives a broker: events then wait in the outbox.
    uplink: { url: o.uplinkUrl ?? 'mqtt://127.0.0.1:9', username: o.gatewayId, backoffInitialMs: 100, backoffMaxMs: 500, keepaliveSec: 5, metricsIntervalSec: 0 },
    commands: {
      maxPayloadBytes: o.maxPayloadBytes ?? 16 * 1024 * 1024,
      operators: [
        { kid: 'ops-admin', publicKey: admin.publicRaw, roles: ['admin'] },
        { kid: 'ops-door', publicKey: doorKey.publicRaw, roles: ['door'] },
        { kid: 'ops-broadcast', publicKey: broadcastKey.publicRaw, roles: ['broadcast'] },
      ],
    },
    access: o.access ?? {},
    ...(o.outbox ? { outbox: o.outbox } : {}),
    devices: [
      ...doors.map((id) => ({ id, driver: 'test-door', category: 'door' })),
      ...(await Promise.all(readers.map(async (r) => ({ id: r.id, driver: 'reader', category: 'access', passwordHash: await readerHash, door: r.door, ...(r.direction ? { direction: r.direction } : {}), ...(r.doors ? { doors: r.doors } : {}) })))),
    ],
  };
}

export interface AccessGateway {
  gateway: Gateway;
  logs: LogSink;
  dataDir: string;
  gatewayId: string;
}

export async function startAccessGateway(o: AccessOptions = {}): Promise<AccessGateway> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-access-'));
  const gatewayId = o.gatewayId ?? '370283104-access-01';
  const config = parseConfig(await accessConfig({ ...o, dataDir, gatewayId }), 'test config', modules);
  const logs = new LogSink();
  const gateway = createGateway({ config, log: pino({ level: 'debug' }, logs), drivers: modules, ...(o.clock ? { clock: o.clock } : {}) });
  await gateway.start();
  return { gateway, logs, dataDir, gatewayId };
}

/** A signed command for `gatewayId`, valid for a minute of `now`. */
export function signed(gatewayId: string, name: string, params: Record<string, unknown>, key: { kid: string; privatePem: string }, o: { now?: number; lifetimeMs?: number; id?: string } = {}) {
  const now = o.now ?? Date.now();
  const command = { id: o.id ?? uuidv7(), name, township: TOWNSHIP, target: gatewayId, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + (o.lifetimeMs ?? 60_000)).toISOString(), by: 'test-operator', ...params };
  return { id: command.id, topic: `pingan/v1/${TOWNSHIP}/${gatewayId}/cmd/${name}`, payload: Buffer.from(JSON.stringify(signCommand(command, key.kid, key.privatePem))) };
}

export const ADMIN = { kid: 'ops-admin', privatePem: admin.privatePem };
export const DOOR = { kid: 'ops-door', privatePem: doorKey.privatePem };
export const BROADCAST = { kid: 'ops-broadcast', privatePem: broadcastKey.privatePem };

type Obj = Record<string, unknown>;

/** Events in the outbox, in seq order. */
export function outboxEvents(g: Gateway): { seq: number; type: string; device: string; category: string; data: Obj }[] {
  return (g.db.prepare("SELECT payload FROM outbox WHERE kind = 'event' ORDER BY seq").all() as { payload: Buffer }[]).map((r) => JSON.parse(r.payload.toString()) as { seq: number; type: string; device: string; category: string; data: Obj });
}

/** The stored reply to command `id`. */
export function replyTo(g: Gateway, id: string): { status: string; error?: { code: string; message: string } } | undefined {
  const row = g.db.prepare("SELECT payload FROM outbox WHERE kind = 'reply' AND topic LIKE ? ORDER BY id DESC").get(`%/replies/${id}`) as { payload: Buffer } | undefined;
  return row && (JSON.parse(row.payload.toString()) as { status: string; error?: { code: string; message: string } });
}

/** Runs a signed command through the router as the uplink would; resolves with its reply. */
export async function run(g: Gateway, c: { id: string; topic: string; payload: Buffer }) {
  await g.testApi.handleCommand(c.topic, c.payload);
  return replyTo(g, c.id);
}

/** A reader on the local broker: presents credentials and collects the gateway's answers. */
export class ReaderClient {
  readonly answers: Obj[] = [];
  private waiting: ((m: Obj) => void) | null = null;

  private constructor(readonly id: string, readonly client: MqttClient) {
    client.on('message', (_t, payload) => {
      const m = JSON.parse(payload.toString()) as Obj;
      this.answers.push(m);
      const w = this.waiting;
      this.waiting = null;
      w?.(m);
    });
  }

  static async connect(port: number, id: string): Promise<ReaderClient> {
    const client = await deviceClient(port, id, READER_PASSWORD);
    await client.subscribeAsync(`dev/${id}/cmd`, { qos: 1 });
    return new ReaderClient(id, client);
  }

  /** Publishes a credential (QoS 1) and resolves with the gateway's answer (deadline 10 s). */
  present(body: Obj): Promise<Obj> {
    const answer = new Promise<Obj>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reader ${this.id}: no answer to a ${String(body.method)} credential within 10 s`)), 10_000);
      this.waiting = (m) => (clearTimeout(timer), resolve(m));
    });
    // The answer comes before the PUBACK (the gateway answers while handling the publish); waiting for
    // the PUBACK as well would hang where the gateway never acknowledges.
    const acked = this.client.publishAsync(`dev/${this.id}/event`, JSON.stringify({ type: 'credential', ...body }), { qos: 1 });
    return Promise.all([answer, acked]).then(([m]) => m);
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

/** Every text the gateway wrote: outbox payloads, entry records, whitelist rows, log lines. */
export function everythingWritten(a: AccessGateway, extra: string[] = []): string[] {
  const db = a.gateway.db;
  const texts: string[] = [];
  for (const table of ['outbox', 'access_records', 'access_persons', 'access_credentials', 'access_groups', 'device_kv']) {
    for (const row of db.prepare(`SELECT * FROM ${table}`).all() as Obj[]) texts.push(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : v)));
  }
  for (const line of a.logs.lines) texts.push(JSON.stringify(line));
  return [...texts, ...extra];
}

/** The texts among `texts` holding one of `secrets` in clear (as a whole token: digits not inside longer digits). */
export function clearTextLeaks(texts: readonly string[], secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const s of secrets) {
    const token = new RegExp(`(^|[^0-9A-Za-z])${s}($|[^0-9A-Za-z])`);
    for (const t of texts) if (token.test(t)) leaks.push(`${s} in ${t.slice(0, 300)}`);
  }
  return leaks;
}

export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

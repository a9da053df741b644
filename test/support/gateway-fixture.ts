/** A gateway started in-process on real parts (SQLite file, aedes, mqtt.js) with simulated devices. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';

export const TOWNSHIP = '370283104';

export class LogSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
  has(msg: string): boolean {
    return this.lines.some((l) => l.msg === msg);
  }
}

export interface FixtureDevice {
  id: string;
  password: string;
  category?: string;
}

export interface FixtureOptions {
  uplinkUrl: string;
  gatewayId?: string;
  devices?: FixtureDevice[];
  dataDir?: string;
  /** Merged over the generated config (top-level keys). */
  override?: Record<string, unknown>;
  uplink?: Record<string, unknown>;
}

export interface Fixture {
  gateway: Gateway;
  logs: LogSink;
  devices: FixtureDevice[];
  dataDir: string;
  gatewayId: string;
}

export const DEFAULT_DEVICES: FixtureDevice[] = [
  { id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' },
  { id: 'door-west', password: 'door-secret-22', category: 'door' },
];

const hashes = new Map<string, Promise<string>>();
const hashOnce = (pw: string) => hashes.get(pw) ?? (hashes.set(pw, hashPassword(pw)), hashes.get(pw) as Promise<string>);

export async function buildConfig(o: FixtureOptions & { dataDir: string; gatewayId: string; devices: FixtureDevice[] }) {
  return {
    gateway: { id: o.gatewayId, township: TOWNSHIP, dataDir: o.dataDir, clockSyncedFile: '/' },
    localBroker: { host: '127.0.0.1', port: 0 },
    uplink: { url: o.uplinkUrl, username: o.gatewayId, backoffInitialMs: 100, backoffMaxMs: 500, keepaliveSec: 5, metricsIntervalSec: 0, ...o.uplink },
    severity: { default: 'info', types: { 'panic.pressed': 'critical', 'door.forced': 'major' } },
    devices: await Promise.all(o.devices.map(async (d) => ({ id: d.id, driver: 'mqtt', category: d.category ?? 'alarm', passwordHash: await hashOnce(d.password) }))),
    ...o.override,
  };
}

export async function startFixture(o: FixtureOptions): Promise<Fixture> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-test-'));
  const gatewayId = o.gatewayId ?? '370283104-test-01';
  const devices = o.devices ?? DEFAULT_DEVICES;
  const config = parseConfig(await buildConfig({ ...o, dataDir, gatewayId, devices }), 'test config');
  const logs = new LogSink();
  const gateway = createGateway({ config, log: pino({ level: 'debug' }, logs) });
  await gateway.start();
  return { gateway, logs, devices, dataDir, gatewayId };
}

/** The outbox's counters, read through the gateway's inspection API (tests do not reach into its parts). */
export function outboxView(g: Gateway) {
  return {
    get depth() {
      return g.inspect().backlog;
    },
    get evicted() {
      return g.inspect().evicted;
    },
    get refused() {
      return g.inspect().refused;
    },
    get diskFull() {
      return g.inspect().diskFull;
    },
  };
}

/** The uplink's state and reconnect count, read through the gateway's inspection API. */
export function uplinkView(g: Gateway) {
  return {
    get state() {
      return g.inspect().uplinkState;
    },
    get reconnects() {
      return g.inspect().reconnects;
    },
  };
}

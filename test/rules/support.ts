/**
 * A village gateway for the rule and patrol tests: real parts (SQLite file, aedes, mqtt.js to an
 * embedded township broker), simulated GPIO, LAN devices logging in with passwords, and a clock moved
 * by hand in the gateway's time zone (Asia/Shanghai), so nights and days pass in milliseconds.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import type { Clock } from '../../gateway/kernel/clock.js';
import { buildConfig, LogSink, type FixtureDevice } from '../support/gateway-fixture.js';
import type { ReceivedEvent, TownshipProbe } from '../support/township.js';

/** The gateway's local time zone in these tests; set before any date is computed. */
process.env.TZ = 'Asia/Shanghai';

/** Local time: `day` of November 2026 (the 23rd is a Monday), `hh:mm:ss`. */
export const at = (day: number, hh: number, mm = 0, ss = 0): number => new Date(2026, 10, day, hh, mm, ss).getTime();

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A clock tests set by hand. */
export function handClock(start: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return { now: () => now, synced: () => true, set: (ms) => void (now = ms), advance: (ms) => void (now += ms) };
}

export interface VillageOptions {
  uplinkUrl: string;
  gatewayId: string;
  clock: Clock;
  /** LAN devices (mqtt kind) that log in. */
  lan?: FixtureDevice[];
  /** Other devices (GPIO inputs, ...), as config entries. */
  devices?: Record<string, unknown>[];
  /** Top-level config keys: personRules, patrol, zones, ... */
  override?: Record<string, unknown>;
  dataDir?: string;
  sim?: SimulatedGpio;
}

export interface Village {
  gateway: Gateway;
  logs: LogSink;
  dataDir: string;
  sim: SimulatedGpio;
}

export async function startVillage(o: VillageOptions): Promise<Village> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-rules-'));
  const base = await buildConfig({ uplinkUrl: o.uplinkUrl, dataDir, gatewayId: o.gatewayId, devices: o.lan ?? [], uplink: { protocolVersion: 4 } });
  const config = parseConfig({ ...base, devices: [...base.devices, ...(o.devices ?? [])], ...o.override }, 'test config');
  const sim = o.sim ?? new SimulatedGpio();
  const logs = new LogSink();
  const gateway = createGateway({ config, log: pino({ level: 'debug' }, logs), clock: o.clock, hardware: { gpio: sim.gpio } });
  await gateway.start();
  return { gateway, logs, dataDir, sim };
}

/** The events of `type` the township received, in seq order. */
export const received = (probe: TownshipProbe, type: string): ReceivedEvent[] => probe.events.filter((e) => e.type === type).sort((a, b) => a.seq - b.seq);

/** Waits until the township holds `n` events of `type`; returns them. */
export async function waitForEvents(probe: TownshipProbe, type: string, n: number, timeoutMs = 10_000): Promise<ReceivedEvent[]> {
  await probe.waitFor(() => received(probe, type).length >= n, timeoutMs, `${n} ${type} event(s) at the township (have ${received(probe, type).length})`);
  return received(probe, type);
}

/**
 * A gateway in-process with two test cameras, its uplink through a SlowLink to a real Mosquitto (the
 * township), and a township probe that checks every message against the contract.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../../gateway/create-gateway.js';
import { defaultModules } from '../../../device-drivers/registry.js';
import { LogSink, TOWNSHIP } from '../../support/gateway-fixture.js';

import type { TownshipProbe } from '../../support/township.js';
import { testCameraModule } from './camera-kind.js';

export const GW = '370283104-pictures-01';
export const CAMERAS = ['cam-east-gate', 'cam-market'];
export const modules = [...defaultModules, testCameraModule];

export interface PictureGatewayOptions {
  uplinkUrl: string;
  dataDir?: string;
  snapshots?: Record<string, unknown>;
  outbox?: Record<string, unknown>;
}

export function pictureConfig(o: PictureGatewayOptions & { dataDir: string }) {
  return parseConfig(
    {
      gateway: { id: GW, township: TOWNSHIP, dataDir: o.dataDir, clockSyncedFile: '/' },
      localBroker: { host: '127.0.0.1', port: 0 },
      uplink: { url: o.uplinkUrl, username: GW, backoffInitialMs: 100, backoffMaxMs: 400, keepaliveSec: 5, metricsIntervalSec: 0 },
      severity: { default: 'info', types: { 'panic.pressed': 'critical', 'camera.motion': 'major', 'camera.tamper': 'critical' } },
      devices: CAMERAS.map((id) => ({ id, driver: 'test-camera', category: 'camera' })),
      ...(o.snapshots ? { snapshots: o.snapshots } : {}),
      ...(o.outbox ? { outbox: o.outbox } : {}),
    },
    'test config',
    modules,
  );
}

export async function startPictureGateway(o: PictureGatewayOptions): Promise<{ gateway: Gateway; logs: LogSink; dataDir: string }> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-pictures-'));
  const logs = new LogSink();
  const gateway = createGateway({ config: pictureConfig({ ...o, dataDir }), log: pino({ level: 'debug' }, logs), drivers: modules });
  await gateway.start();
  return { gateway, logs, dataDir };
}

/** A critical alarm as a panic button would raise it; resolves once committed. */
export const raiseAlarm = (g: Gateway, n: number) => g.testApi.emit({ device: 'panic-east-gate', category: 'alarm', type: 'panic.pressed', severity: 'critical', data: { n } });

/** What the township received, in arrival order: events (by id) and snapshots (by event id). */
export function arrivals(probe: TownshipProbe) {
  return probe.messages
    .filter((m) => m.topic.includes('/events/') || m.topic.includes('/snapshots/'))
    .map((m) => {
      if (m.topic.includes('/snapshots/')) return { kind: 'snapshot' as const, eventId: m.topic.split('/').pop() as string, payload: m.payload };
      const e = JSON.parse(m.payload.toString()) as { id: string; type: string; seq: number; data: Record<string, unknown> };
      return { kind: 'event' as const, eventId: e.id, type: e.type, seq: e.seq, data: e.data };
    });
}

export type Arrival = ReturnType<typeof arrivals>[number];

/** The test's own number `data.n` of an event arrival. */
export const nOf = (a: Arrival | undefined): number => (a?.kind === 'event' ? Number(a.data.n) : NaN);

/** The `data.snapshot` an event arrival announced. */
export const announced = (a: Arrival | undefined) => (a?.kind === 'event' ? (a.data.snapshot as { topic: string; bytes: number; sha256: string } | undefined) : undefined);

/** Waits on a condition with a deadline, naming what it waited for. */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}


/** The periodic `metrics` message (contract: backlog depth and age, disk, uptime, temperature, uplink). */
import { readFileSync, statfsSync } from 'node:fs';
import type { Driver, DriverFigures } from '../device-drivers/driver.js';
import { isoLocal, type Clock } from './kernel/clock.js';

export interface MetricsSources {
  clock: Clock;
  startedAt: number;
  dataDir: string;
  uplink: { state: string; reconnects: number; connectedSince: number | null; delivered: number };
  outbox: { depth: number; bytes: number; evicted: number; refused: { dbLost: number; diskFull: number }; oldestAgeMs(): number | null };
  accepted: () => number;
  rejected: () => number;
  commands: { executed: number; rejected: number };
  /** Devices online, in all, and those whose driver's health() is not ok. */
  devices: { online: number; total: number; degraded: { device: string; status: 'degraded' | 'stopped'; detail?: string }[]; figures?: Record<string, DriverFigures> };
  /** Delivered per second recently, for the drain-time estimate. */
  drainRate: () => number;
}

/** Each device's driver figures, for those drivers that keep some (none: undefined, so `metrics` leaves the key out). */
export function deviceFigures(drivers: ReadonlyMap<string, Driver>): Record<string, DriverFigures> | undefined {
  const out: Record<string, DriverFigures> = {};
  for (const [device, driver] of drivers) if (driver.figures) out[device] = driver.figures();
  return Object.keys(out).length > 0 ? out : undefined;
}

export function diskFreeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** SoC temperature from the kernel's thermal zone (millidegrees); null where there is none. */
export function cpuTempC(file = '/sys/class/thermal/thermal_zone0/temp'): number | null {
  try {
    return Math.round(Number(readFileSync(file, 'utf8')) / 100) / 10;
  } catch {
    return null;
  }
}

/** `snapshots`: the camera pictures' counters (issue 11), when the gateway keeps pictures. */
export function buildMetrics(s: MetricsSources, snapshots?: { waiting: number; bytes: number; sent: number; dropped: number }) {
  const now = s.clock.now();
  const age = s.outbox.oldestAgeMs();
  const rate = s.drainRate();
  return {
    ts: isoLocal(now),
    uptimeSec: Math.round((now - s.startedAt) / 1000),
    uplink: { state: s.uplink.state, reconnects: s.uplink.reconnects, connectedSince: s.uplink.connectedSince === null ? null : isoLocal(s.uplink.connectedSince) },
    backlog: {
      depth: s.outbox.depth,
      bytes: s.outbox.bytes,
      oldestAgeSec: age === null ? null : Math.round(age / 100) / 10,
      estDrainSec: s.outbox.depth === 0 ? 0 : rate > 0 ? Math.round((s.outbox.depth / rate) * 10) / 10 : null,
    },
    diskFreeBytes: diskFreeBytes(s.dataDir),
    cpuTempC: cpuTempC(),
    events: { accepted: s.accepted(), rejected: s.rejected(), evicted: s.outbox.evicted, delivered: s.uplink.delivered, refused: s.outbox.refused.dbLost + s.outbox.refused.diskFull },
    commands: { executed: s.commands.executed, rejected: s.commands.rejected },
    devices: s.devices,
    ...(snapshots ? { snapshots: { waiting: snapshots.waiting, bytes: snapshots.bytes, sent: snapshots.sent, dropped: snapshots.dropped } } : {}),
  };
}

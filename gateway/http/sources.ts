/**
 * What the ops views (/healthz, /metrics, the status page, `vgw status`) read of a running gateway.
 * The composition root hands one of these over; everything is read on demand, so devices and services
 * added later show up without these files naming them.
 */
import type { DriverFigures, DriverHealth } from '../../device-drivers/driver.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { CommittedRow } from './activity.js';
import type { ReloadOutcome } from './status.js';

/** The gateway as the ops views read it. */
export interface OpsSources {
  /** The config in force (a reload replaces it). */
  config(): Config;
  clock: Clock;
  bootId: string;
  version: string;
  startedAt: number;
  uplink: { readonly state: string; readonly connectedSince: number | null; readonly reconnects: number; readonly delivered: number };
  outbox: {
    readonly depth: number;
    readonly bytes: number;
    readonly evicted: number;
    readonly refused: { dbLost: number; diskFull: number };
    readonly diskFull: boolean;
    oldestAgeMs(): number | null;
  };
  /** Events committed since start. */
  accepted(): number;
  /** Delivered per second recently (for the drain estimate). */
  drainRate(): number;
  /** A device's driver's own word on itself; undefined for an id not mounted. */
  health(device: string): DriverHealth | undefined;
  /** A device's driver figures (a camera's reachability, outages, ...); undefined when its driver keeps none. */
  figures(device: string): DriverFigures | undefined;
  /** Every zone of the config and whether it is armed. */
  zones(): { zone: string; armed: boolean }[];
  /** Notices waiting or playing. */
  broadcastQueued(): number;
  /** Command replies by `status/code` (`done/`, `rejected/expired`, ...). */
  commandOutcomes: ReadonlyMap<string, number>;
  /** Rejected input by `type/reason`. */
  rejectedByReason: ReadonlyMap<string, number>;
  /** LAN connections refused, by reason. */
  lanRefusals: ReadonlyMap<string, number>;
  /** Components (drivers) that failed to start. */
  failedComponents(): { name: string; message: string }[];
  /** Counts and reports refused input, aggregated (gateway/reports.ts). */
  reject(type: string, severity: 'minor' | 'major', subject: string, data: Record<string, unknown>): void;
  /** The last config reload's outcome, null before any. */
  lastReload(): ReloadOutcome | null;
  /** Calls `listener` with the rows of each outbox commit (last seen, last events); returns the unsubscribe. */
  onCommitted(listener: (rows: readonly CommittedRow[]) => void): () => void;
}

/**
 * The verdict of /healthz (issue 13, item 3): healthy unless the uplink has been down longer than
 * `http.uplinkDownSec`, the outbox holds over 80 % of its cap, a driver failed, or the disk is low.
 * Each reason has a stable code (for alert rules) and a sentence for people.
 */
import { diskFreeBytes } from '../metrics.js';
import type { OpsSources } from './sources.js';

/** Share of `outbox.maxRows` / `outbox.maxBytes` above which the gateway is unhealthy. */
export const BACKLOG_HIGH = 0.8;

/** One reason /healthz is 503: a stable code and a sentence. */
export interface HealthReason {
  code: 'uplink-down' | 'backlog-high' | 'driver-failed' | 'disk-low' | 'disk-full';
  message: string;
}

/** What /healthz answers. */
export interface Health {
  ok: boolean;
  reasons: HealthReason[];
}

/**
 * Since when the uplink has not been connected. The uplink keeps only `connectedSince`, so this
 * samples its state once a second; a gateway that never connected has been down since it started.
 */
export class UplinkDownWatch {
  private since: number | null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly s: Pick<OpsSources, 'uplink' | 'clock' | 'startedAt'>) {
    this.since = s.startedAt;
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Ms the uplink has been down (0 while connected). */
  downMs(): number {
    this.sample();
    return this.since === null ? 0 : this.s.clock.now() - this.since;
  }

  /** Since when it has been down (ms since epoch), null while connected. */
  downSince(): number | null {
    this.sample();
    return this.since;
  }

  private sample(): void {
    if (this.s.uplink.state === 'connected') this.since = null;
    else this.since ??= this.s.clock.now();
  }
}

/** The verdict now: ok, or every reason it is not. */
export function evaluateHealth(s: OpsSources, uplinkDown: UplinkDownWatch): Health {
  const config = s.config();
  const reasons: HealthReason[] = [];
  const downMs = uplinkDown.downMs();
  if (downMs > config.http.uplinkDownSec * 1000) {
    reasons.push({ code: 'uplink-down', message: `uplink ${s.uplink.state} for ${Math.round(downMs / 1000)} s (over http.uplinkDownSec ${config.http.uplinkDownSec} s)` });
  }
  const rowsShare = s.outbox.depth / config.outbox.maxRows;
  const bytesShare = s.outbox.bytes / config.outbox.maxBytes;
  if (rowsShare > BACKLOG_HIGH || bytesShare > BACKLOG_HIGH) {
    reasons.push({ code: 'backlog-high', message: `outbox at ${Math.round(Math.max(rowsShare, bytesShare) * 100)} % of its cap (${s.outbox.depth} of ${config.outbox.maxRows} rows, ${s.outbox.bytes} of ${config.outbox.maxBytes} bytes)` });
  }
  const failed = new Set(s.failedComponents().map((f) => f.name));
  for (const d of config.devices) {
    const h = s.health(d.id);
    if (failed.has(`driver ${d.id}`) || h?.status === 'degraded') reasons.push({ code: 'driver-failed', message: `device ${d.id}: ${h?.detail ?? 'driver failed to start'}` });
  }
  if (s.outbox.diskFull) reasons.push({ code: 'disk-full', message: 'the disk is full: non-critical events are refused' });
  const free = diskFreeBytes(config.gateway.dataDir);
  if (free !== null && free < config.http.diskLowBytes) reasons.push({ code: 'disk-low', message: `${free} bytes free in ${config.gateway.dataDir} (under http.diskLowBytes ${config.http.diskLowBytes})` });
  return { ok: reasons.length === 0, reasons };
}

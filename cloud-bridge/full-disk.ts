/**
 * The outbox's full-disk mode (issue 8 A). Entered when a commit or delete fails on a full filesystem
 * (or the gateway starts on one): only essential items are stored — critical events, command outcomes,
 * the outbox's own reports — and everything else is refused (no PUBACK, so devices keep it), counted and
 * reported in aggregate as `system.outbox.refused`. Once a second it looks for space again; it leaves
 * when the database has room for minFreeBytes, and rewrites the reserve when the filesystem allows.
 */
import type { Logger } from 'pino';
import type { Severity } from '../gateway/kernel/severity.js';
import { GatewayError } from '../gateway/kernel/errors.js';
import { SEVERITY_BY_PRIO } from '../gateway/kernel/severity.js';
import type { DiskSpace } from './disk-space.js';
import type { OutboxItem, SystemReporter } from './outbox.js';

/** How often space is looked for again; refusals are reported at most every REPORT_MS. */
const TICK_MS = 1000;
const REPORT_MS = 10_000;

/** What a full disk still lets in: critical events, command outcomes, the outbox's own reports. */
export const essential = (item: OutboxItem): boolean => item.kind === 'reply' || item.kind === 'report' || (item.kind === 'event' && item.prio === 0);

export interface FullDiskDeps {
  disk: DiskSpace;
  report?: SystemReporter;
  /** Stores an item through the outbox (the refusal reports). */
  store: (item: OutboxItem) => Promise<unknown>;
  /** Runs a passive WAL checkpoint; one that failed on the full disk may fit once rows are deleted. */
  checkpoint: () => void;
  log: Logger;
}

export class FullDisk {
  /** True while the disk is full. */
  active = false;
  /** Events refused while full, since start. */
  refused = 0;
  private unreported: Partial<Record<Severity, number>> = {};
  private unreportedCount = 0;
  private lastReport = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: FullDiskDeps) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Stops looking for space and queues the last report of refusals. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.report();
  }

  enter(reason: string, err?: unknown): void {
    if (this.active) return;
    this.active = true;
    const { disk, log } = this.deps;
    log.error({ reason, err, freeBytes: disk.freeBytes(), minFreeBytes: disk.limits.minFreeBytes }, 'disk full: only critical events are accepted until space returns');
  }

  /** Counts a refusal (reported in aggregate) and returns the error to reject the item with. */
  refuse(item: OutboxItem): GatewayError {
    if (item.kind === 'event') {
      this.refused++;
      const sev = SEVERITY_BY_PRIO[item.prio] ?? 'info';
      this.unreported[sev] = (this.unreported[sev] ?? 0) + 1;
      this.unreportedCount++;
      // The first refusal is reported at once, later ones once per REPORT_MS (tick).
      if (Date.now() - this.lastReport >= REPORT_MS) this.report();
    }
    return new GatewayError('VGW_DISK_FULL', `the disk of the data directory is full: only critical events are accepted until space returns (outbox.minFreeBytes ${this.deps.disk.limits.minFreeBytes}); free space on that filesystem`, true);
  }

  /** Queues one `system.outbox.refused` event with the refusals counted since the last one. */
  private report(): void {
    const { report, store, disk, log } = this.deps;
    if (!report || this.unreportedCount === 0) return;
    const data = { reason: 'disk-full', count: this.unreportedCount, bySeverity: this.unreported, freeBytes: disk.freeBytes() };
    this.unreported = {};
    this.unreportedCount = 0;
    this.lastReport = Date.now();
    const type = 'system.outbox.refused';
    const { topic } = report(0, type, 'major', data);
    store({ kind: 'report', prio: 1, topic, qos: 1, retain: false, payload: (seq) => report(seq, type, 'major', data).payload }).catch((err: unknown) => {
      log.error({ err, ...data }, 'could not store the report of refused events');
    });
  }

  private tick(): void {
    const { disk, checkpoint, log } = this.deps;
    if (Date.now() - this.lastReport >= REPORT_MS) this.report();
    if (!this.active) {
      if (disk.reserved() < disk.limits.reserveBytes) disk.ensureReserve();
      return;
    }
    try {
      checkpoint();
    } catch {
      // still full; tried again next tick
    }
    const usable = disk.usableBytes() ?? Infinity;
    if (usable < disk.limits.minFreeBytes) return;
    disk.ensureReserve();
    this.active = false;
    log.info({ usableBytes: usable, reserved: disk.reserved(), refused: this.refused }, 'disk space back: intake resumed');
    this.report();
  }
}

/**
 * The durable outbox: the truth about what the township has not yet acknowledged (style rule 7).
 * Writes are grouped per event-loop turn into one transaction, so one fsync covers every event that
 * arrived in that turn; callers learn of the commit through the promise `add` returns, and only then
 * acknowledge the device. Rows leave on the township's PUBACK (`ack`) or by reported eviction.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Severity } from '../gateway/kernel/severity.js';
import { GatewayError, isDiskFull } from '../gateway/kernel/errors.js';
import type { Db, DbFiles } from './db.js';
import type { DiskSpace } from './disk-space.js';
import { essential, FullDisk } from './full-disk.js';
import { type EvictionSummary, summariseEviction } from './eviction.js';
import { LEASE, type SeqLease } from './seq-lease.js';
import { reclaimFreePages } from './vacuum.js';
import { AckedRows, deleteRuns } from './acked-rows.js';

/** `report` is an eviction report: an event that is itself never evicted. */
export type OutboxKind = 'event' | 'report' | 'state' | 'reply';

export interface OutboxItem {
  kind: OutboxKind;
  /** Drain priority, 0 first: events use their severity rank. */
  prio: number;
  topic: string;
  /** Events and reports get their `seq` here, allocated when the item is added, so seq follows arrival order. */
  payload: Buffer | ((seq: number) => Buffer);
  qos: 0 | 1;
  retain: boolean;
  /** Runs inside the item's transaction, given its seq: what must commit with it or not at all (its picture's row, issue 11). */
  alongside?: ((seq: number | null) => void) | undefined;
}

export interface OutboxRow {
  id: number;
  prio: number;
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

export interface OutboxLimits {
  maxRows: number;
  maxBytes: number;
}

/** Seams of the outbox beyond SQLite; each is optional, so unit tests can leave them out. */
export interface OutboxOptions {
  /** The seq high-water mark beside the database (issue 8 D). */
  lease?: SeqLease;
  /** Checked before every commit: a deleted or replaced database file stops intake (issue 8 D). */
  files?: DbFiles;
  /** Free space of the data directory and its reserve (issue 8 A). */
  disk?: DiskSpace;
  /** Builds a `system` event the outbox reports itself (refusals on a full disk). */
  report?: SystemReporter;
  /** Told, inside the eviction's transaction, the seqs of evicted events (their pictures go with them, issue 11). */
  evicted?: (seqs: number[]) => void;
}

/** Builds a gateway `system` event of `type` with the seq given. */
export type SystemReporter = (seq: number, type: string, severity: Severity, data: Record<string, unknown>) => { topic: string; payload: Buffer };

/** Seqs skipped at start because the database is newer than the lease (it replaced a lost one). */
export interface SkippedSeqs {
  from: number;
  to: number;
}

/** Builds the `system.outbox.evicted` event for a summary, with the seq given. */
export type EvictionReporter = (seq: number, summary: EvictionSummary) => { topic: string; payload: Buffer };

interface Pending {
  item: OutboxItem;
  seq: number | null;
  payload: Buffer;
  resolve: (seq: number | null) => void;
  reject: (err: Error) => void;
}

/** What one flush's transaction committed. */
interface Committed {
  /** The new rows for the uplink; empty when an eviction ran (it pages from SQLite then). */
  rows: OutboxRow[];
  minPrio: number;
  written: number;
}

/** Eviction frees down to this share of the cap, so a full outbox does not evict on every insert. */
const EVICT_TO = 0.95;
/** info; critical (0) is evicted last, only when nothing else is left. */
const LOWEST_PRIO = 3;

/** A failed delete is tried again after this long. */
const ACK_RETRY_MS = 1000;

/** Acknowledged rows are deleted in batches this often (or sooner when this many wait). */
const ACK_FLUSH_MS = 100;
const ACK_FLUSH_ROWS = 1024;

/**
 * `added` carries the committed rows so a caught-up uplink can send them without reading them back;
 * it is empty when an eviction ran in the same commit (the uplink then pages from SQLite).
 */
export class Outbox extends EventEmitter<{ added: [rows: OutboxRow[], minPrio: number]; commitFailed: [err: Error]; fault: [err: GatewayError] }> {
  private pending: Pending[] = [];
  private flushScheduled = false;
  /** Acknowledged rows not yet deleted: never handed out again. */
  private readonly acked = new AckedRows();
  private ackTimer: NodeJS.Timeout | null = null;
  private nextSeq = 0;
  private rowCount = 0;
  private byteCount = 0;
  private evictedTotal = 0;
  /** `counters.instance` of this database: the lease names it. */
  private instance = 0;
  /** Seqs up to this one are covered by the lease on disk. */
  private leaseCeiling = 0;
  /** Set once the database file vanished or was replaced: every add is refused from then on. */
  fault: GatewayError | null = null;
  /** Set by `start` when seq jumped over a range a lost database had used (reported by the gateway). */
  skippedAtStart: SkippedSeqs | null = null;
  private dbLostRefused = 0;
  /** Full-disk mode (issue 8 A); null without a disk seam. */
  private readonly full: FullDisk | null;
  private stopped = false;
  private ackRetryWarned = false;
  private readonly stmts;
  /**
   * The flush's and the delete's transactions, built once with the batch passed in (issue 14), instead
   * of a new closure wrapped by `db.transaction` on every flush.
   */
  private readonly commitBatch: (batch: Pending[], acked: Map<number, number>, low: boolean) => Committed;
  private readonly deleteBatch: (acked: Map<number, number>) => void;

  constructor(
    private readonly db: Db,
    private readonly limits: OutboxLimits,
    private readonly reportEviction: EvictionReporter,
    private readonly log: Logger,
    private readonly options: OutboxOptions = {},
  ) {
    super();
    this.stmts = {
      insert: db.prepare('INSERT INTO outbox (prio, kind, seq, topic, payload, qos, retain, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      dropState: db.prepare("DELETE FROM outbox WHERE kind = 'state' AND topic = ? RETURNING length(payload) AS bytes"),
      setSeq: db.prepare("UPDATE counters SET value = ? WHERE name = 'seq'"),
      page: db.prepare('SELECT id, prio, topic, payload, qos, retain FROM outbox WHERE prio > ? OR (prio = ? AND id > ?) ORDER BY prio, id LIMIT ?'),
      del: db.prepare('DELETE FROM outbox WHERE id = ?'),
      delRange: db.prepare<[number, number]>('DELETE FROM outbox WHERE id BETWEEN ? AND ?'),
      // Reports of earlier evictions (kind 'report') are never evicted: they explain the gaps.
      victims: db.prepare("SELECT id, prio, seq, length(payload) AS bytes FROM outbox WHERE prio = ? AND kind = 'event' ORDER BY id LIMIT ?"),
      oldest: db.prepare('SELECT created FROM outbox ORDER BY id LIMIT 1'),
      freePages: db.prepare('PRAGMA freelist_count').pluck(),
      pageSize: db.prepare('PRAGMA page_size').pluck(),
      checkpoint: db.prepare('PRAGMA wal_checkpoint(PASSIVE)'),
      syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: db.prepare('PRAGMA synchronous = FULL'),
    };
    this.commitBatch = db.transaction((batch: Pending[], acked: Map<number, number>, low: boolean) => {
      this.deleteAcked(acked);
      return this.insertBatch(batch, low);
    });
    this.deleteBatch = db.transaction((acked: Map<number, number>) => this.deleteAcked(acked));
    const { disk, report } = options;
    this.full = disk ? new FullDisk({ disk, report, store: (item) => this.add(item), checkpoint: () => this.stmts.checkpoint.run(), log }) : null;
  }

  /** Events refused (never acknowledged) by cause, for health and tests. */
  get refused(): { dbLost: number; diskFull: number } {
    return { dbLost: this.dbLostRefused, diskFull: this.full?.refused ?? 0 };
  }

  /** True while the disk is full: only critical events, replies and reports are taken (issue 8 A). */
  get diskFull(): boolean {
    return this.full?.active ?? false;
  }

  /** Reads the counters; call once before use. */
  start(): void {
    const seq = this.db.prepare("SELECT value FROM counters WHERE name = 'seq'").pluck().get() as number;
    this.instance = this.db.prepare("SELECT value FROM counters WHERE name = 'instance'").pluck().get() as number;
    this.nextSeq = seq + 1;
    this.leaseCeiling = seq;
    const lease = this.options.lease?.read();
    if (lease && lease.instance === this.instance) this.leaseCeiling = Math.max(seq, lease.ceiling);
    else if (lease && lease.ceiling >= this.nextSeq) {
      // A new database beside an old lease: the old file was lost with seqs up to the ceiling possibly
      // used. Seq must never go back (contract), so it goes on above them.
      this.skippedAtStart = { from: this.nextSeq, to: lease.ceiling };
      this.nextSeq = lease.ceiling + 1;
      this.leaseCeiling = lease.ceiling;
      this.log.warn({ ...this.skippedAtStart, lease: this.options.lease?.file }, 'database is newer than the seq lease: seq continues above it');
    }
    const totals = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(payload)), 0) AS b FROM outbox').get() as { n: number; b: number };
    this.rowCount = totals.n;
    this.byteCount = totals.b;
    const disk = this.options.disk;
    if (disk) {
      const pageSize = this.stmts.pageSize.get() as number;
      // Free pages are reused before the file grows: room for new rows even when statfs says 0.
      disk.reusable = () => (this.stmts.freePages.get() as number) * pageSize;
      this.full?.start();
    }
  }

  /** Stops the outbox's timers (the gateway's stop, before the last flush and the database close). */
  stop(): void {
    this.stopped = true;
    this.full?.stop();
  }

  /** Enters the full-disk mode (also at a start on a full disk): only essential items are taken. */
  markDiskFull(reason: string, err?: unknown): void {
    this.full?.enter(reason, err);
  }

  /** Queues an item for this turn's transaction; resolves with its seq (events) once committed. */
  add(item: OutboxItem): Promise<number | null> {
    return new Promise((resolve, reject) => {
      if (this.fault) {
        if (item.kind === 'event') this.dbLostRefused++;
        reject(this.fault);
        return;
      }
      if (this.full?.active && !essential(item)) {
        reject(this.full.refuse(item));
        return;
      }
      // Render before the seq is taken (issue 8 B): a payload that cannot be built (JSON.stringify throws
      // on a BigInt or a cycle) is refused here and leaves no gap in seq.
      const seq = item.kind === 'event' || item.kind === 'report' ? this.nextSeq : null;
      let payload: Buffer;
      try {
        payload = typeof item.payload === 'function' ? item.payload(seq ?? 0) : item.payload;
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (seq !== null) {
        try {
          this.cover(seq);
        } catch (err) {
          reject(err as Error);
          return;
        }
        this.nextSeq = seq + 1;
      }
      this.pending.push({ item, seq, payload, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued so far in one transaction (one fsync). */
  flush(retried = false): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const firstSeq = batch.find((p) => p.seq !== null)?.seq ?? null;
    const vanished = this.fault ? null : this.options.files?.changed();
    if (vanished) this.enterFault(vanished);
    if (this.fault) {
      if (firstSeq !== null) this.nextSeq = firstSeq;
      for (const p of batch) {
        if (p.item.kind === 'event') this.dbLostRefused++;
        p.reject(this.fault);
      }
      return;
    }
    // Issue 8 A: with little free disk left the outbox stops growing: it evicts first, so the pages
    // freed in this transaction take the new rows and neither the file nor the disk fills with info rows.
    const low = this.options.disk?.low() ?? false;
    // Issue 14: acknowledged rows are deleted in this commit, so while events flow their deletes cost
    // no commit and no fsync of their own (the ack timer only runs when no insert comes).
    const acked = this.acked.take();
    let result: Committed;
    try {
      result = this.commitBatch(batch, acked, low);
    } catch (err) {
      // Nothing of the batch is stored: give its seqs back so a failed turn leaves no gap.
      if (firstSeq !== null) this.nextSeq = firstSeq;
      this.restoreAcked(acked);
      this.restoreTotals();
      // A full filesystem (not merely SQLite's own page cap): give up the reserve, keep the essential.
      if (!retried && this.full && isDiskFull(err) && this.options.disk?.low(Date.now(), true)) {
        this.options.disk.release('commit failed');
        this.full.enter('commit failed', err);
        this.retryEssential(batch, this.full);
        return;
      }
      for (const p of batch) p.reject(err as Error);
      this.emit('commitFailed', err as Error);
      return;
    }
    this.options.disk?.noteWritten(result.written);
    for (const p of batch) p.resolve(p.seq);
    this.notifyAdded(result.rows, result.minPrio);
  }

  /** The body of a flush's transaction: the batch's rows, evictions and the seq counter. */
  private insertBatch(batch: Pending[], low: boolean): Committed {
    const now = Date.now();
    let rows: OutboxRow[] = [];
    let minPrio = Number.MAX_SAFE_INTEGER;
    let written = 0;
    let lastSeq: number | null = null;
    let evictionPrio: number | null = null;
    if (low) {
      const incoming = batch.reduce((n, p) => n + p.payload.length, 0);
      evictionPrio = this.evictIfOver(now, Math.max(0, this.byteCount - incoming));
    }
    for (const p of batch) {
      const { item } = p;
      if (item.kind === 'state') {
        for (const r of this.stmts.dropState.all(item.topic) as { bytes: number }[]) this.forget(r.bytes);
      }
      const { lastInsertRowid } = this.stmts.insert.run(item.prio, item.kind, p.seq, item.topic, p.payload, item.qos, item.retain ? 1 : 0, now);
      item.alongside?.(p.seq);
      rows.push({ id: Number(lastInsertRowid), prio: item.prio, topic: item.topic, payload: p.payload, qos: item.qos, retain: item.retain });
      this.rowCount++;
      this.byteCount += p.payload.length;
      written += p.payload.length;
      if (p.seq !== null) lastSeq = p.seq;
      minPrio = Math.min(minPrio, item.prio);
    }
    const capPrio = this.evictIfOver(now, this.limits.maxBytes);
    if (capPrio !== null) evictionPrio = Math.min(evictionPrio ?? capPrio, capPrio);
    if (evictionPrio !== null) {
      rows = [];
      lastSeq = this.nextSeq - 1;
      minPrio = Math.min(minPrio, evictionPrio);
    }
    if (lastSeq !== null) this.stmts.setSeq.run(lastSeq);
    return { rows, minPrio, written };
  }

  /**
   * Tells the 'added' listeners (the uplink) what was committed. This runs inside the flush's
   * setImmediate, where a listener's exception would be uncaught and end the process (issue 9, item 5):
   * each one is contained and logged; the rows are committed whatever a listener does.
   */
  private notifyAdded(rows: OutboxRow[], minPrio: number): void {
    for (const listener of this.listeners('added') as ((rows: OutboxRow[], minPrio: number) => void)[]) {
      try {
        listener(rows, minPrio);
      } catch (err) {
        this.log.error({ err, rows: rows.length }, 'outbox listener failed; the rows stay committed and are sent at the next drain');
      }
    }
  }

  /**
   * After a commit failed on a full disk (and the reserve was given up): commits the essential items
   * again with fresh seqs (so the refused ones leave no gap) and refuses the rest.
   */
  private retryEssential(batch: Pending[], full: FullDisk): void {
    for (const p of batch) {
      if (!essential(p.item)) {
        p.reject(full.refuse(p.item));
        continue;
      }
      if (p.seq !== null) {
        const seq = this.nextSeq;
        if (typeof p.item.payload === 'function') p.payload = p.item.payload(seq);
        this.cover(seq);
        this.nextSeq = seq + 1;
        p.seq = seq;
      }
      this.pending.push(p);
    }
    this.flush(true);
  }

  /**
   * Up to `limit` rows in drain order strictly after the cursor (prio, id), skipping acknowledged rows
   * whose delete is still batched. Fewer than `limit` means the outbox holds nothing more after the
   * cursor: skipped rows are paged past, never counted (issue 8 C: a short page used to read as
   * "caught up" while unsent rows waited behind a head of acknowledged ones).
   */
  page(afterPrio: number, afterId: number, limit: number): OutboxRow[] {
    const out: OutboxRow[] = [];
    let cursor = { prio: afterPrio, id: afterId };
    for (;;) {
      const want = limit - out.length;
      const rows = this.stmts.page.all(cursor.prio, cursor.prio, cursor.id, want) as (Omit<OutboxRow, 'retain' | 'qos'> & { qos: number; retain: number })[];
      for (const r of rows) if (!this.acked.has(r.id)) out.push({ ...r, qos: r.qos as 0 | 1, retain: r.retain === 1 });
      const last = rows[rows.length - 1];
      if (rows.length < want || !last || out.length >= limit) return out;
      cursor = { prio: last.prio, id: last.id };
    }
  }

  /**
   * The township acknowledged row `id` of `bytes` payload bytes: delete it, in the next insert commit or
   * after ACK_FLUSH_MS without one (batched; losing a delete only duplicates).
   */
  ack(id: number, bytes: number): void {
    this.acked.add(id, bytes);
    if (this.acked.size >= ACK_FLUSH_ROWS) this.flushAcks();
    else if (!this.ackTimer) this.ackTimer = setTimeout(() => this.flushAcks(), ACK_FLUSH_MS);
  }

  /** Deletes the acknowledged rows now, in a commit of their own. */
  flushAcks(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.acked.size === 0) return;
    const ids = this.acked.take();
    let err = this.tryDelete(ids);
    // Issue 8 A: a delete writes WAL frames, so a full disk can refuse it; the reserve makes room.
    if (err && isDiskFull(err) && this.options.disk?.release('delete failed')) err = this.tryDelete(ids);
    if (!err) {
      this.ackRetryWarned = false;
      // Issue 13 item 5: a drained backlog gives its pages back to the SD card.
      if (this.rowCount === 0) reclaimFreePages(this.db, this.log);
      return;
    }
    if (isDiskFull(err)) this.markDiskFull('delete failed', err);
    this.restoreAcked(ids);
    if (!this.ackRetryWarned) this.log.warn({ err, rows: ids.size }, 'outbox delete failed; trying again');
    this.ackRetryWarned = true;
  }

  /** After a failed commit: the rows stay acknowledged (never handed out again) and are tried again shortly. */
  private restoreAcked(ids: Map<number, number>): void {
    if (ids.size === 0) return;
    this.acked.restore(ids);
    if (!this.stopped) this.ackTimer ??= setTimeout(() => this.flushAcks(), ACK_RETRY_MS);
  }

  /** Deletes acknowledged rows in a commit of their own; returns the error instead of throwing it. */
  private tryDelete(ids: Map<number, number>): unknown {
    try {
      // A lost delete only re-sends a row (ids make that harmless), so deletes skip the fsync; the next
      // FULL commit syncs the WAL, and these frames with it.
      this.stmts.syncNormal.run();
      this.deleteBatch(ids);
      return null;
    } catch (err) {
      // Rolled back: the counters the delete lowered are read again.
      this.restoreTotals();
      return err;
    } finally {
      this.stmts.syncFull.run();
    }
  }

  /** Inside a transaction: deletes acknowledged rows and lowers the counters (a rollback recounts them). */
  private deleteAcked(ids: Map<number, number>): void {
    if (ids.size === 0) return;
    const gone = deleteRuns(this.stmts.delRange, ids);
    if (!gone.exact) return this.restoreTotals();
    this.rowCount -= gone.rows;
    this.byteCount -= gone.bytes;
  }

  get depth(): number {
    return this.rowCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  get evicted(): number {
    return this.evictedTotal;
  }

  /** Age in ms of the oldest row, or null when empty. */
  oldestAgeMs(now = Date.now()): number | null {
    const created = this.stmts.oldest.pluck().get() as number | undefined;
    return created === undefined ? null : Math.max(0, now - created);
  }

  /**
   * A seq for a message that is published but not stored (the report of a lost database): taken from
   * the lease, so no later event reuses it.
   */
  takeUnstoredSeq(): number {
    this.cover(this.nextSeq);
    return this.nextSeq++;
  }

  /** Makes sure the lease on disk covers `seq` before it is used: one fsync per LEASE seqs. */
  private cover(seq: number): void {
    const lease = this.options.lease;
    if (!lease || seq <= this.leaseCeiling) return;
    const ceiling = seq + LEASE - 1;
    lease.write({ instance: this.instance, ceiling });
    this.leaseCeiling = ceiling;
  }

  private enterFault(file: string): void {
    this.fault = new GatewayError('VGW_DB_LOST', `the database file ${file} was deleted or replaced while the gateway ran; new events are refused (devices get no PUBACK and keep them) until the gateway is restarted, which starts a new database with seq continuing from the lease`);
    this.log.error({ file, code: this.fault.code }, 'database file vanished or replaced: intake stopped');
    this.emit('fault', this.fault);
  }

  private forget(bytes: number): void {
    this.rowCount--;
    this.byteCount -= bytes;
  }

  private restoreTotals(): void {
    const totals = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(payload)), 0) AS b FROM outbox').get() as { n: number; b: number };
    this.rowCount = totals.n;
    this.byteCount = totals.b;
  }

  /**
   * Inside the insert transaction: evicts lowest severity, oldest first, and writes the report in the
   * same transaction, so an eviction is never silent. Critical events go only when nothing else is left.
   * Returns the report's prio, or null when nothing was evicted.
   */
  private evictIfOver(now: number, maxBytes: number): number | null {
    const { maxRows } = this.limits;
    if (this.rowCount <= maxRows && this.byteCount <= maxBytes) return null;
    const victims: { prio: number; seq: number }[] = [];
    const targetRows = Math.floor(maxRows * EVICT_TO);
    const targetBytes = Math.floor(maxBytes * EVICT_TO);
    for (let prio = LOWEST_PRIO; prio >= 0; prio--) {
      while (this.rowCount > targetRows || this.byteCount > targetBytes) {
        const batch = this.stmts.victims.all(prio, 256) as { id: number; prio: number; seq: number; bytes: number }[];
        if (batch.length === 0) break;
        for (const v of batch) {
          if (this.rowCount <= targetRows && this.byteCount <= targetBytes) break;
          this.stmts.del.run(v.id);
          this.forget(v.bytes);
          victims.push({ prio: v.prio, seq: v.seq });
        }
      }
    }
    if (victims.length === 0) return null;
    this.evictedTotal += victims.length;
    this.options.evicted?.(victims.map((v) => v.seq));
    let reportPrio = Number.MAX_SAFE_INTEGER;
    for (const summary of summariseEviction(victims, { maxRows, maxBytes })) {
      this.cover(this.nextSeq);
      const seq = this.nextSeq++;
      const report = this.reportEviction(seq, summary);
      const prio = 1; // major: it explains a gap, so it should reach the township before info traffic
      this.stmts.insert.run(prio, 'report', seq, report.topic, report.payload, 1, 0, now);
      this.rowCount++;
      this.byteCount += report.payload.length;
      reportPrio = Math.min(reportPrio, prio);
      this.log.warn({ evicted: summary.count, bySeverity: summary.bySeverity, ranges: summary.ranges.length }, 'outbox full: events evicted');
    }
    return reportPrio;
  }
}

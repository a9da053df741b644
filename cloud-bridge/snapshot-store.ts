/**
 * Camera pictures waiting for the uplink (issue 11, item 2): the outbox's second class. The JPEG is a
 * file `{dataDir}/snapshots/{eventId}.jpg`, written and synced before its event commits, and its row in
 * `snapshots` commits in the event's own transaction (`insert`, run by the outbox). So a power cut
 * never leaves an event naming a missing file, and a file without a row (its event never committed) is
 * removed at start. Pictures are bounded by their own count and byte caps, oldest dropped first and
 * reported; they never take an event's place, in SQLite or on the disk (see `write`).
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, readFile, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isDiskFull } from '../gateway/kernel/errors.js';
import type { Db } from './db.js';
import type { DiskSpace } from './disk-space.js';
import type { SnapshotsConfig } from './snapshot-config.js';

/** The folder of the picture files, under the data directory. */
export const SNAPSHOT_DIR = 'snapshots';

/** One waiting picture: what the event's `data.snapshot` says of it, and whose event it is. */
export interface SnapshotRow {
  eventId: string;
  topic: string;
  bytes: number;
  sha256: string;
}

/** Why a picture was refused before its event was stored: the event says so in `data.snapshotError`. */
export type RefuseReason = 'disk-full' | 'too-large' | 'write-failed';

/** Why a waiting picture went without being sent: reported as `system.snapshot.dropped`. */
export type DropReason = 'queue-full' | 'file-missing' | 'file-damaged' | 'refused' | 'event-evicted';

/** A picture that was not stored; the event goes on without it. */
export class SnapshotRefused extends Error {
  constructor(
    readonly reason: RefuseReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SnapshotStoreDeps {
  db: Db;
  dataDir: string;
  limits: SnapshotsConfig;
  /** The outbox's own free-space floor: a picture must leave `limits.minFreeBytes` more than this. */
  outboxMinFreeBytes: number;
  /** Free space of the data directory (shared with the outbox); absent in unit tests. */
  disk?: DiskSpace;
  /** True while the outbox is in its full-disk mode: every picture is refused then. */
  diskFull: () => boolean;
  /** Counts and reports a dropped picture (aggregated by the caller). */
  onDrop: (reason: DropReason, row: SnapshotRow) => void;
  log: Logger;
}

/** `waiting` fires when a picture joins the queue, so an idle uplink can send it. */
export class SnapshotStore extends EventEmitter<{ waiting: [] }> {
  private readonly dir: string;
  private readonly stmts;
  /** Pictures and bytes committed and not yet sent or dropped (kept in memory: no query per event). */
  waiting = 0;
  waitingBytes = 0;
  sent = 0;
  dropped = 0;
  refused = 0;

  constructor(private readonly deps: SnapshotStoreDeps) {
    super();
    this.dir = join(deps.dataDir, SNAPSHOT_DIR);
    const { db } = deps;
    this.stmts = {
      insert: db.prepare('INSERT INTO snapshots (event_id, topic, bytes, sha256, seq, created) VALUES (?, ?, ?, ?, ?, ?)'),
      del: db.prepare('DELETE FROM snapshots WHERE event_id = ? RETURNING bytes'),
      has: db.prepare('SELECT 1 FROM snapshots WHERE event_id = ?').pluck(),
      delSeq: db.prepare('DELETE FROM snapshots WHERE seq = ? RETURNING event_id AS eventId, topic, bytes, sha256'),
      oldest: db.prepare('SELECT event_id AS eventId, topic, bytes, sha256 FROM snapshots ORDER BY rowid LIMIT 1'),
      next: db.prepare('SELECT event_id AS eventId, topic, bytes, sha256 FROM snapshots WHERE event_id != ? ORDER BY rowid LIMIT 1'),
      ids: db.prepare('SELECT event_id FROM snapshots').pluck(),
      totals: db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM snapshots'),
      syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: db.prepare('PRAGMA synchronous = FULL'),
    };
  }

  /** Reads the queue's totals, removes files no committed event names, applies the caps. */
  start(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const known = new Set((this.stmts.ids.all() as string[]).map((id) => `${id}.jpg`));
    let orphans = 0;
    for (const name of readdirSync(this.dir)) {
      if (known.has(name)) continue;
      // Written for an event whose commit never happened (a crash or a refused event): nobody names it.
      try {
        rmSync(join(this.dir, name), { recursive: true, force: true });
        orphans++;
      } catch (err) {
        this.deps.log.warn({ err, file: name }, 'stray file in the pictures folder not removed');
      }
    }
    if (orphans > 0) this.deps.log.info({ files: orphans }, 'picture files without an event removed');
    const totals = this.stmts.totals.get() as { n: number; b: number };
    this.waiting = totals.n;
    this.waitingBytes = totals.b;
    this.enforceCaps();
  }

  /**
   * Writes and syncs the picture of event `eventId` (file, then its directory entry) and returns its
   * row, to be committed with the event. Refused — the event goes without it — when it is over the
   * byte cap or would leave less than the pictures' free-space floor: a picture never takes the room
   * that makes the outbox evict events, nor the critical reserve.
   */
  async write(eventId: string, topic: string, bytes: Buffer): Promise<SnapshotRow> {
    const { limits, disk, outboxMinFreeBytes } = this.deps;
    try {
      if (bytes.length === 0) throw new SnapshotRefused('write-failed', 'the picture is empty');
      if (bytes.length > limits.maxBytes) throw new SnapshotRefused('too-large', `the picture has ${bytes.length} bytes, more than snapshots.maxBytes ${limits.maxBytes}`);
      const floor = outboxMinFreeBytes + limits.minFreeBytes;
      // Asked of the filesystem now, not the outbox's once-a-second sample: pictures are few and large,
      // and a disk filled by something else a moment ago must already refuse them.
      const free = disk ? await freeBytes(this.dir) : null;
      if (this.deps.diskFull() || (free !== null && free - bytes.length < floor)) {
        throw new SnapshotRefused('disk-full', `the data disk has ${free ?? 0} bytes free; a picture must leave ${floor} (outbox.minFreeBytes + snapshots.minFreeBytes)`);
      }
      const file = this.file(eventId);
      await writeSynced(file, bytes, this.dir);
      disk?.noteWritten(bytes.length);
      return { eventId, topic, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    } catch (err) {
      this.refused++;
      if (err instanceof SnapshotRefused) throw err;
      const reason: RefuseReason = isDiskFull(err) ? 'disk-full' : 'write-failed';
      throw new SnapshotRefused(reason, `the picture could not be written: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Inside the event's transaction (`seq` its seq): the picture joins the queue exactly when its event commits. */
  insert(row: SnapshotRow, seq: number): void {
    this.stmts.insert.run(row.eventId, row.topic, row.bytes, row.sha256, seq, Date.now());
  }

  /**
   * Inside an eviction's transaction: the pictures of evicted events go too, reported, so no picture
   * reaches the township for an event that never will. Nothing to do (no query) while none wait.
   */
  evicted(seqs: number[]): void {
    if (this.waiting === 0) return;
    const gone = seqs.flatMap((seq) => this.stmts.delSeq.all(seq) as SnapshotRow[]);
    if (gone.length === 0) return;
    // Counted, unlinked and reported once the transaction is over (a report inside it would take a seq
    // that a rollback hands out again), and only for rows the commit really deleted.
    setImmediate(() => {
      for (const row of gone) {
        if (this.stmts.has.get(row.eventId) !== undefined) continue;
        this.forget(row);
        this.dropped++;
        this.deps.onDrop('event-evicted', row);
      }
    });
  }

  /** Its event committed: counts the picture, applies the caps, tells an idle uplink. */
  committed(row: SnapshotRow): void {
    this.waiting++;
    this.waitingBytes += row.bytes;
    this.enforceCaps();
    if (this.waiting > 0) this.emit('waiting');
  }

  /** Its event was not committed: the file goes (nothing names it). */
  discard(row: SnapshotRow): void {
    unlink(this.file(row.eventId)).catch((err: unknown) => this.deps.log.warn({ err, eventId: row.eventId }, 'picture file of a refused event not removed; removed at the next start'));
  }

  /** The oldest waiting picture other than `exclude` (the one in flight). */
  next(exclude = ''): SnapshotRow | null {
    return (this.stmts.next.get(exclude) as SnapshotRow | undefined) ?? null;
  }

  /**
   * The picture's bytes, checked against its row; a missing or changed file is dropped and reported
   * (null), so one bad file is skipped rather than tried for ever.
   */
  async read(row: SnapshotRow): Promise<Buffer | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file(row.eventId));
    } catch (err) {
      this.deps.log.warn({ err, eventId: row.eventId }, 'picture file unreadable; dropped');
      this.drop(row, 'file-missing');
      return null;
    }
    if (bytes.length !== row.bytes || createHash('sha256').update(bytes).digest('hex') !== row.sha256) {
      this.deps.log.warn({ eventId: row.eventId, bytes: bytes.length, expected: row.bytes }, 'picture file changed since it was stored; dropped');
      this.drop(row, 'file-damaged');
      return null;
    }
    return bytes;
  }

  /** The township acknowledged the picture: row and file go. */
  ack(row: SnapshotRow): void {
    if (this.remove(row.eventId)) this.sent++;
  }

  /** Drops a waiting picture (`refused` by the township broker, or see `read`), reported. */
  drop(row: SnapshotRow, reason: DropReason): void {
    if (!this.remove(row.eventId)) return;
    this.dropped++;
    this.deps.onDrop(reason, row);
  }

  /** Oldest first, until the queue is within maxCount and maxBytes. */
  private enforceCaps(): void {
    const { maxCount, maxBytes } = this.deps.limits;
    while (this.waiting > maxCount || this.waitingBytes > maxBytes) {
      const oldest = this.stmts.oldest.get() as SnapshotRow | undefined;
      if (!oldest) break;
      this.drop(oldest, 'queue-full');
    }
  }

  /**
   * Deletes the row, then the file; false when the row was already gone. Without an fsync, as the
   * outbox deletes its acknowledged rows: an fsync here would stall the event loop once per picture,
   * and the next event's FULL commit makes the delete durable with it. A power cut before that only
   * brings the row back: its picture is sent again, or reported file-missing once its file is gone.
   */
  private remove(eventId: string): boolean {
    let r: { bytes: number } | undefined;
    try {
      this.stmts.syncNormal.run();
      r = this.stmts.del.get(eventId) as { bytes: number } | undefined;
    } finally {
      this.stmts.syncFull.run();
    }
    if (!r) return false;
    this.forget({ eventId, bytes: r.bytes });
    return true;
  }

  /** Its row is deleted: uncounts it and removes the file (one left behind, the unlink failing, has no row and goes at the next start). */
  private forget(row: Pick<SnapshotRow, 'eventId' | 'bytes'>): void {
    this.waiting--;
    this.waitingBytes -= row.bytes;
    unlink(this.file(row.eventId)).catch(() => {});
  }

  private file(eventId: string): string {
    return join(this.dir, `${eventId}.jpg`);
  }
}

/** Free bytes for unprivileged users on the filesystem of `dir`; null when statfs fails. */
async function freeBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Writes `file` new (never over another), fsyncs it, then fsyncs `dir` so its name survives a power cut. */
async function writeSynced(file: string, bytes: Buffer, dir: string): Promise<void> {
  // Read-write, though only written: the power-cut test's shim images a synced file through its own fd.
  const fh = await open(file, 'wx+', 0o600);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(file).catch(() => {});
    throw err;
  }
  await fh.close();
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * Free space of the data directory's filesystem (issue 8 A). The outbox evicts by it as well as by its
 * own caps, and a reserve of preallocated files in the data directory holds back room that is given up
 * only when the disk is full, so critical events, deletes of acknowledged rows (a delete writes WAL
 * frames) and a restart still fit. statfs is sampled at most once a second or per SAMPLE_BYTES
 * written, never per event.
 */
import { closeSync, fsyncSync, openSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

export interface DiskLimits {
  /** Below this much free space the outbox evicts lowest severity first to make room. */
  minFreeBytes: number;
  /** Bytes kept preallocated in the data directory, given up in halves when the disk is full. */
  reserveBytes: number;
}

/** The reserve, in two halves: one for a full disk while running, one for a start on a full disk. */
export const RESERVE_FILES = ['reserve.0', 'reserve.1'];

const SAMPLE_MS = 1000;
const SAMPLE_BYTES = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024);

export class DiskSpace {
  private free: number | null = null;
  private sampledAt = -Infinity;
  private writtenSince = 0;
  /** Bytes the database can reuse without growing (SQLite's free pages), counted as free. */
  reusable: () => number = () => 0;
  /** `reusable()` as of the last sample: read with statfs, not per commit. */
  private reusableAtSample = 0;

  constructor(
    private readonly dataDir: string,
    readonly limits: DiskLimits,
    private readonly log: Logger,
  ) {}

  /** Filesystem free bytes (for unprivileged users), sampled at most once per second or SAMPLE_BYTES. */
  freeBytes(now = Date.now()): number | null {
    if (now - this.sampledAt >= SAMPLE_MS || this.writtenSince >= SAMPLE_BYTES) this.sample(now);
    return this.free;
  }

  /**
   * Free bytes plus what the database can reuse, less what was written since the sample: what new rows
   * can take before the disk is full. Without that subtraction the free pages of the last sample were
   * counted again after new rows had taken them, and the file grew past minFreeBytes unseen for up to
   * SAMPLE_BYTES of rows (a 20 MB disk filled before eviction caught up).
   */
  usableBytes(now = Date.now()): number | null {
    const free = this.freeBytes(now);
    return free === null ? null : Math.max(0, free + this.reusableAtSample - this.writtenSince);
  }

  /** True when the outbox should make room by eviction before it grows; `fresh` samples statfs now. */
  low(now = Date.now(), fresh = false): boolean {
    if (fresh) this.sample(now);
    const usable = this.usableBytes(now);
    return usable !== null && usable < this.limits.minFreeBytes;
  }

  /** Counts bytes written, so a fast writer resamples sooner than once a second. */
  noteWritten(bytes: number): void {
    this.writtenSince += bytes;
  }

  /** Bytes held back in the reserve files now. */
  reserved(): number {
    let n = 0;
    for (const f of RESERVE_FILES) n += statSync(join(this.dataDir, f), { throwIfNoEntry: false })?.size ?? 0;
    return n;
  }

  /**
   * Gives up one half of the reserve (the disk is full); true when something was freed. The running
   * gateway takes only the first half; the last is for a start on a full disk (`last`).
   */
  release(reason: string, last = false): boolean {
    const present = RESERVE_FILES.filter((f) => statSync(join(this.dataDir, f), { throwIfNoEntry: false }) !== undefined);
    if (present.length === 0 || (present.length === 1 && !last)) return false;
    for (const f of [...present].reverse()) {
      const file = join(this.dataDir, f);
      const size = statSync(file, { throwIfNoEntry: false })?.size;
      if (size === undefined) continue;
      unlinkSync(file);
      this.sample(Date.now());
      this.log.warn({ file, bytes: size, reason, freeBytes: this.free }, 'disk full: reserve released');
      return true;
    }
    return false;
  }

  /**
   * Writes the missing reserve halves when the filesystem has room for them and still minFreeBytes
   * besides; false while some half is missing. The bytes are written (not a sparse file), so they are
   * really allocated.
   */
  ensureReserve(): boolean {
    const half = Math.ceil(this.limits.reserveBytes / RESERVE_FILES.length);
    let complete = true;
    for (const f of RESERVE_FILES) {
      const file = join(this.dataDir, f);
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? -1) >= half) continue;
      this.sample(Date.now());
      if (half === 0) continue;
      if (this.free === null || this.free < half + this.limits.minFreeBytes) {
        complete = false;
        continue;
      }
      if (!this.fill(file, half)) complete = false;
    }
    this.sample(Date.now());
    return complete;
  }

  private fill(file: string, bytes: number): boolean {
    const fd = openSync(file, 'w');
    let ok = true;
    try {
      for (let done = 0; done < bytes; done += CHUNK.length) writeSync(fd, CHUNK, 0, Math.min(CHUNK.length, bytes - done));
      fsyncSync(fd);
    } catch (err) {
      ok = false;
      this.log.warn({ err, file }, 'disk reserve could not be written');
    } finally {
      closeSync(fd);
    }
    if (!ok) unlinkSync(file);
    return ok;
  }

  private sample(now: number): void {
    this.sampledAt = now;
    this.writtenSince = 0;
    try {
      const s = statfsSync(this.dataDir);
      this.free = s.bavail * s.bsize;
      this.reusableAtSample = this.reusable();
    } catch {
      this.free = null;
    }
  }
}

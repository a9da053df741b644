/**
 * The seq high-water mark kept beside the database (issue 8 D): the contract forbids a seq ever going
 * back, also when `gateway.db` is lost or replaced. Before the gateway uses seqs up to N it records N
 * here (fsynced), a lease of LEASE seqs at a time, so it costs one fsync per LEASE events, not per event.
 * The record names the database instance it was written for: while that database lives, its own
 * counter (committed with the rows) is the truth, and a crash costs no seqs; a new database (lost,
 * deleted, moved aside) starts above the lease instead of at 1.
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SEQ_LEASE_FILE = 'seq.lease';

/** Seqs leased per write. */
export const LEASE = 1000;

/** Fixed width: the record is rewritten in place, so a full disk cannot refuse the blocks it needs. */
const WIDTH = 64;

export interface LeaseRecord {
  /** The `counters.instance` of the database the lease was written for. */
  instance: number;
  /** Seqs up to this one may have been used. */
  ceiling: number;
}

export class SeqLease {
  readonly file: string;
  private fd: number | null = null;

  constructor(dataDir: string) {
    this.file = join(dataDir, SEQ_LEASE_FILE);
  }

  /** The last record, or null when there is none (first start, or a gateway before issue 8). */
  read(): LeaseRecord | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const r = JSON.parse(text.trim()) as Partial<LeaseRecord>;
      if (Number.isSafeInteger(r.instance) && Number.isSafeInteger(r.ceiling)) return { instance: r.instance as number, ceiling: r.ceiling as number };
    } catch {
      // A torn or foreign file: treated as absent; the database counter still applies.
    }
    return null;
  }

  /** Records `rec` durably (write in place + fsync) before the caller uses seqs up to its ceiling. */
  write(rec: LeaseRecord): void {
    this.fd ??= this.open();
    const line = `${JSON.stringify(rec)}\n`.padEnd(WIDTH, ' ');
    writeSync(this.fd, line, 0, 'utf8');
    fsyncSync(this.fd);
  }

  private open(): number {
    try {
      return openSync(this.file, 'r+');
    } catch {
      const fd = openSync(this.file, 'w+');
      // A new file's directory entry needs its own fsync to survive a power cut.
      const dir = openSync(dirname(this.file), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
      return fd;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

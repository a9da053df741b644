/** The SQLite engine of the archive port: the township's one-file archive (monitor/archive-db.ts). */
import { ArchiveDb } from '../monitor/archive-db.js';
import { SQLITE_DIALECT, type EventQuery } from '../monitor/archive-query.js';
import { acknowledgeSql, closeSql } from './cases-sql.js';
import type { AlarmCase, ArchivedEvent, ArchiveRecord, ArchiveStore, IncomingEvent, RangeCounts, SeqGaps } from './store.js';

export class SqliteArchiveStore implements ArchiveStore {
  readonly engine = 'sqlite';

  private constructor(private readonly db: ArchiveDb) {}

  /** Opens (creating and migrating) `file` for writing, or an existing one read-only. */
  static open(file: string, mode: 'write' | 'read' = 'write'): SqliteArchiveStore {
    return new SqliteArchiveStore(mode === 'write' ? ArchiveDb.open(file) : ArchiveDb.openReadOnly(file));
  }

  // better-sqlite3 is synchronous: each call has committed when it returns.
  store(batch: readonly IncomingEvent[], records?: readonly ArchiveRecord[]): Promise<number> {
    return Promise.resolve(this.db.storeMany(batch, records));
  }

  openCases(limit: number): Promise<AlarmCase[]> {
    return Promise.resolve(this.db.openCases(limit));
  }

  acknowledge(eventId: string, by: string, atMs: number): Promise<boolean> {
    return Promise.resolve(this.db.updateCase(acknowledgeSql(SQLITE_DIALECT, eventId, by, atMs)));
  }

  closeCase(eventId: string, by: string, note: string, atMs: number): Promise<boolean> {
    return Promise.resolve(this.db.updateCase(closeSql(SQLITE_DIALECT, eventId, by, note, atMs)));
  }

  counts(from: number, to: number): Promise<RangeCounts> {
    return Promise.resolve(this.db.counts(from, to));
  }

  query(q: EventQuery): Promise<ArchivedEvent[]> {
    return Promise.resolve(this.db.query(q));
  }

  arrivedSince(q: EventQuery, fromMs: number): Promise<ArchivedEvent[]> {
    return Promise.resolve(this.db.arrivedSince(q, fromMs));
  }

  count(): Promise<number> {
    return Promise.resolve(this.db.count());
  }

  gaps(gateways?: readonly string[]): Promise<SeqGaps[]> {
    return Promise.resolve(this.db.gaps(gateways));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

/**
 * The monitoring center's event archive: one SQLite file (the only monitor file that imports
 * better-sqlite3), so a township without a platform still has searchable records (人员进出记录检索).
 * Every event is stored once: the envelope's `id` is the primary key and redeliveries are ignored.
 */
import Database from 'better-sqlite3';
import { gapQueries, gapsFromRows } from '../archive/gaps-from-holes.js';
import { deviceChangesSql, eventCountsSql, RECORDS_TABLES_SQL, onlineFlag, presenceSql, PRESENCE_COLUMNS, replyCountsSql, REPLY_COLUMNS } from '../archive/counts-sql.js';
import { CASE_COLUMNS, CASE_MAX_RANK, CASES_TABLE_SQL, openCasesSql } from '../archive/cases-sql.js';
import { caseOf, eventTime, type AlarmCase, type ArchivedEvent, type ArchiveRecord, type IncomingEvent, type RangeCounts, type SeqGaps } from '../archive/store.js';
import { SQLITE_DIALECT, whereClause, type EventQuery } from './archive-query.js';
import { SEVERITIES, SEVERITY_RANK, type EventEnvelope } from './uplink-message.js';

/** Numbered from 1 by position (PRAGMA user_version). Never edit a released one: append. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    id          TEXT PRIMARY KEY,      -- the envelope's UUIDv7; INSERT OR IGNORE drops redeliveries
    township    TEXT NOT NULL,
    gateway     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    -- When it happened as best known: the event's ts when the gateway's clock was synced, else the time
    -- it was received (a Pi without RTC stamps 1970 until NTP answers, which no time search would find).
    at_ms       INTEGER NOT NULL,
    ts          TEXT NOT NULL,         -- as the gateway wrote it
    clock       TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    device      TEXT NOT NULL,
    category    TEXT NOT NULL,
    type        TEXT NOT NULL,
    severity    INTEGER NOT NULL,      -- 0 critical .. 3 info
    data        TEXT NOT NULL          -- JSON
  );
  CREATE INDEX events_at ON events (at_ms);
  CREATE INDEX events_gateway ON events (gateway, at_ms);
  CREATE INDEX events_device ON events (device, at_ms);
  `,
  // 2: seq gaps per gateway (issue 16).
  `CREATE INDEX events_seq ON events (gateway, seq);`,
  // 3: births, last wills and command replies, for the monthly report (issue 16).
  RECORDS_TABLES_SQL,
  // 4: alarm handling by the duty officers (issue 16).
  CASES_TABLE_SQL,
  // 5: `vgw events query --follow` polls by arrival (issue 16).
  `CREATE INDEX events_received ON events (received_ms);`,
];

export type { ArchivedEvent };

interface Row {
  id: string;
  township: string;
  gateway: string;
  seq: number;
  at_ms: number;
  ts: string;
  clock: 'synced' | 'unsynced';
  received_ms: number;
  device: string;
  category: string;
  type: string;
  severity: number;
  data: string;
}

export class ArchiveDb {
  private readonly insert: Database.Statement;
  private readonly insertPresence: Database.Statement;
  private readonly insertReply: Database.Statement;
  private readonly insertCase: Database.Statement;

  private constructor(private readonly db: Database.Database) {
    this.insertPresence = db.prepare(`INSERT OR IGNORE INTO presence (${PRESENCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.insertCase = db.prepare(`INSERT OR IGNORE INTO alarm_cases (${CASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.insertReply = db.prepare(`INSERT OR IGNORE INTO replies (${REPLY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO events (id, township, gateway, seq, at_ms, ts, clock, received_ms, device, category, type, severity, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Opens (creating and migrating) an archive for writing. */
  static open(file: string): ArchiveDb {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // Each event is committed before its PUBACK, one at a time (mqtt.js hands over the next message only
    // after the PUBACK), so commits cannot be grouped. NORMAL (no fsync per commit, WAL) keeps every
    // committed event through a crash of this process; an OS crash or power cut of the township server
    // may take the last moments — as it would from the broker, which saves its own queues to disk only
    // periodically. FULL measured ~50-300 events/s with a busy disk (bench: npm run fleet).
    db.pragma('synchronous = NORMAL');
    // Several archivers may share one file (a shared subscription on one host): wait, don't fail.
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v] as string);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return new ArchiveDb(db);
  }

  /** Opens an existing archive for searching only. */
  static openReadOnly(file: string): ArchiveDb {
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version < 1 || version > MIGRATIONS.length) throw new Error(`not an event archive of this version of vgw (schema ${version})`);
      return new ArchiveDb(db);
    } catch (err) {
      db?.close();
      throw new Error(`cannot open the archive ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Stores the event (committed on return); false when its id was already archived. */
  store(township: string, e: EventEnvelope, receivedAt: number): boolean {
    const r = this.insert.run(e.id, township, e.gateway, e.seq, eventTime(e, receivedAt), e.ts, e.clock, receivedAt, e.device, e.category, e.type, SEVERITY_RANK[e.severity], JSON.stringify(e.data));
    return r.changes === 1;
  }

  /** Stores events and records in one commit; returns how many events were new. */
  storeMany(batch: readonly IncomingEvent[], records: readonly ArchiveRecord[] = []): number {
    return this.db.transaction(() => {
      for (const r of records) {
        if (r.kind === 'status') this.insertPresence.run(r.gateway, r.township, onlineFlag(r.status.online), r.status.online ? null : r.status.reason, r.status.ts, r.receivedAt, r.status.online ? r.status.bootId : null);
        else this.insertReply.run(r.reply.id, r.gateway, r.township, r.reply.status, r.reply.error?.code ?? null, r.reply.ts, r.receivedAt);
      }
      for (const b of batch) if (SEVERITY_RANK[b.event.severity] <= CASE_MAX_RANK) this.insertCase.run(b.event.id, b.township, b.event.gateway, b.event.device, b.event.type, SEVERITY_RANK[b.event.severity], eventTime(b.event, b.receivedAt));
      return batch.reduce((n, b) => n + (this.store(b.township, b.event, b.receivedAt) ? 1 : 0), 0);
    })();
  }

  openCases(limit: number): AlarmCase[] {
    const q = openCasesSql(SQLITE_DIALECT, limit);
    return (this.db.prepare(q.sql).all(...q.params) as Record<string, unknown>[]).map(caseOf);
  }

  /** Runs an UPDATE of cases-sql.ts; true when it changed a row. */
  updateCase(q: { sql: string; params: (string | number)[] }): boolean {
    return this.db.prepare(q.sql).run(...q.params).changes === 1;
  }

  /** The monthly report's figures over `[from, to)`. */
  counts(from: number, to: number): RangeCounts {
    const all = <T>(q: { sql: string; params: (string | number)[] }): T[] => this.db.prepare(q.sql).all(...q.params) as T[];
    return {
      events: all<{ gateway: string; township: string; category: string; severity: number; n: number }>(eventCountsSql(SQLITE_DIALECT, from, to)).map((r) => ({ ...r, severity: SEVERITIES[r.severity] ?? 'info' })),
      replies: all<{ gateway: string; status: string; code: string | null; n: number }>(replyCountsSql(SQLITE_DIALECT, from, to)),
      presence: all<{ gateway: string; online: number; at_ms: number }>(presenceSql(SQLITE_DIALECT, from, to)).map((r) => ({ gateway: r.gateway, online: r.online === 1, atMs: r.at_ms })),
      deviceChanges: all<{ gateway: string; device: string; type: string; at_ms: number }>(deviceChangesSql(SQLITE_DIALECT, from, to)).map((r) => ({ gateway: r.gateway, device: r.device, online: r.type === 'device.online', atMs: r.at_ms })),
    };
  }

  /** Seq holes per gateway, split by the gateway's own eviction reports (see gaps-from-holes.ts). */
  gaps(gateways?: readonly string[]): SeqGaps[] {
    const q = gapQueries(SQLITE_DIALECT, gateways);
    const all = <T>(x: { sql: string; params: string[] }): T[] => this.db.prepare(x.sql).all(...x.params) as T[];
    const reports = all<{ gateway: string; data: string }>(q.reports).map((r) => ({ gateway: r.gateway, data: JSON.parse(r.data) as unknown }));
    return gapsFromRows(all(q.extents), all(q.holes), reports);
  }


  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  /** The newest `q.limit` matching events, newest first. */
  query(q: EventQuery): ArchivedEvent[] {
    const { sql, params } = whereClause(q);
    return this.rows(`SELECT * FROM events ${sql} ORDER BY at_ms DESC, gateway, seq DESC LIMIT ?`, [...params, q.limit]);
  }

  /** Matching events received at or after `fromMs`, in order of arrival, at most `q.limit`. */
  arrivedSince(q: EventQuery, fromMs: number): ArchivedEvent[] {
    const { sql, params } = whereClause(q);
    return this.rows(`SELECT * FROM events ${sql ? `${sql} AND` : 'WHERE'} received_ms >= ? ORDER BY received_ms, id LIMIT ?`, [...params, fromMs, q.limit]);
  }

  private rows(sql: string, params: (string | number)[]): ArchivedEvent[] {
    const rows = this.db.prepare(sql).all(...params) as Row[];
    return rows.map((r) => ({
      township: r.township,
      receivedAt: r.received_ms,
      atMs: r.at_ms,
      event: { id: r.id, seq: r.seq, ts: r.ts, clock: r.clock, gateway: r.gateway, device: r.device, category: r.category, type: r.type, severity: SEVERITIES[r.severity] ?? 'info', data: JSON.parse(r.data) as Record<string, unknown> },
    }));
  }

  close(): void {
    this.db.close();
  }
}

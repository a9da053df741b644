/**
 * The PostgreSQL engine of the archive port (issue 16), for a county platform: monthly partitions
 * (pg-schema.ts, partitions.ts), a batch stored by one multi-row `INSERT … SELECT FROM unnest(…) ON
 * CONFLICT DO NOTHING` (one round trip, one commit, exactly once by id across restarts and across a
 * group of archivers), committed before the archiver acknowledges the broker. The only file that
 * imports `pg`, loaded only when an archiver is given `--postgres`.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { whereClause, type EventQuery, type SqlDialect } from '../monitor/archive-query.js';
import { SEVERITIES, SEVERITY_RANK, type EventEnvelope } from '../monitor/uplink-message.js';
import { gapQueries, gapsFromRows } from './gaps-from-holes.js';
import { createPartitionSql, monthOf, monthOfPartition, monthStart, partitioned, partitionName, type Month } from './partitions.js';
import { PG_MIGRATIONS } from './pg-schema.js';
import { redact } from './redact.js';
import { acknowledgeSql, CASE_COLUMNS, CASE_MAX_RANK, closeSql, openCasesSql } from './cases-sql.js';
import { deviceChangesSql, eventCountsSql, onlineFlag, presenceSql, PRESENCE_COLUMNS, replyCountsSql, REPLY_COLUMNS } from './counts-sql.js';
import { caseOf, eventTime, type AlarmCase, type ArchivedEvent, type ArchiveRecord, type ArchiveStore, type IncomingEvent, type RangeCounts, type SeqGaps } from './store.js';

/** Rows as one array per column, the parameters of `INSERT … SELECT FROM unnest($1, $2, …)`. */
const columns = (rows: readonly unknown[][]): unknown[][] => Array.from({ length: rows[0]?.length ?? 0 }, (_, i) => rows.map((r) => r[i]));

const PG_DIALECT: SqlDialect = { param: (n) => `$${n}`, dataText: 'data::text' };

/** Any fixed number: the advisory lock that serialises schema and partition DDL between archivers. */
const DDL_LOCK = 7_160_016;

/** SQLSTATE class 22: a value PostgreSQL will not store (a NUL in text, a bad escape). */
const isDataError = (err: unknown): boolean => String((err as { code?: unknown }).code ?? '').startsWith('22');

interface Row {
  id: string;
  township: string;
  gateway: string;
  seq: string;
  at_ms: string;
  ts: string;
  clock: 'synced' | 'unsynced';
  received_ms: string;
  device: string;
  category: string;
  type: string;
  severity: number;
  data: Record<string, unknown>;
}

export class PostgresArchiveStore implements ArchiveStore {
  readonly engine = 'postgres';
  /** Months whose partition exists (or that the default partition takes). */
  private readonly months = new Set<string>();
  /** Events PostgreSQL refused to store, each logged with its id (acknowledged all the same: see `store`). */
  unstorable = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Connects and migrates; `poolSize` connections at most. */
  static async open(url: string, log: Logger, options: { poolSize?: number; now?: () => number } = {}): Promise<PostgresArchiveStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 4, connectionTimeoutMillis: 10_000 });
    // An idle connection dropped by the server is an error event on the pool; the next query reconnects.
    pool.on('error', (err) => log.warn({ err: err.message }, 'postgres connection lost'));
    const store = new PostgresArchiveStore(pool, log, options.now ?? Date.now);
    try {
      await store.migrate();
    } catch (err) {
      await pool.end();
      throw new Error(`cannot open the PostgreSQL archive ${redact(url)}: ${(err as Error).message}`, { cause: err });
    }
    return store;
  }

  private async ddl(work: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
      await work(c);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  private migrate(): Promise<void> {
    return this.ddl(async (c) => {
      await c.query('CREATE TABLE IF NOT EXISTS archive_schema (version integer NOT NULL)');
      const r = await c.query<{ version: number }>('SELECT version FROM archive_schema');
      const current = r.rows[0]?.version ?? 0;
      if (current > PG_MIGRATIONS.length) throw new Error(`the archive is at schema version ${current}, newer than this vgw knows (${PG_MIGRATIONS.length}); upgrade vgw`);
      for (let v = current; v < PG_MIGRATIONS.length; v++) await c.query(PG_MIGRATIONS[v] as string);
      if (r.rows.length === 0) await c.query('INSERT INTO archive_schema (version) VALUES ($1)', [PG_MIGRATIONS.length]);
      else await c.query('UPDATE archive_schema SET version = $1', [PG_MIGRATIONS.length]);
    });
  }

  /** Creates the partitions the batch needs that this process has not seen yet. */
  private async ensurePartitions(stamps: readonly number[]): Promise<void> {
    const now = this.now();
    const needed = new Map<string, Month>();
    for (const ms of stamps) {
      if (!partitioned(ms, now)) continue;
      const m = monthOf(ms);
      const name = partitionName(m);
      if (!this.months.has(name)) needed.set(name, m);
    }
    if (needed.size === 0) return;
    await this.ddl(async (c) => {
      for (const [name, m] of needed) {
        await c.query('SAVEPOINT p');
        try {
          await c.query(createPartitionSql(m));
          await c.query('RELEASE SAVEPOINT p');
        } catch (err) {
          // 23514: the default partition already holds rows of that month (stamped far ahead when they
          // came); the month stays in the default partition rather than fail every insert.
          if ((err as { code?: unknown }).code !== '23514') throw err;
          await c.query('ROLLBACK TO SAVEPOINT p');
          this.log.warn({ partition: name }, 'month kept in the default partition');
        }
      }
    });
    for (const name of needed.keys()) this.months.add(name);
  }

  async store(batch: readonly IncomingEvent[], records: readonly ArchiveRecord[] = []): Promise<number> {
    if (records.length) await this.storeRecords(records);
    if (batch.length === 0) return 0;
    await this.ensurePartitions(batch.map((b) => stampOf(b.event)));
    try {
      return await this.insert(batch);
    } catch (err) {
      if (!isDataError(err) || batch.length === 1) {
        if (!isDataError(err)) throw err;
        // Stored never, however often the broker redelivers it: logged and acknowledged, or it would
        // stall this archiver (and its shared group) on one message for ever.
        this.unstorable++;
        this.log.error({ err: (err as Error).message, id: batch[0]?.event.id, gateway: batch[0]?.event.gateway }, 'event refused by PostgreSQL; not archived');
        return 0;
      }
      // One bad event must not keep the others out: store them one by one.
      let n = 0;
      for (const one of batch) n += await this.store([one]);
      return n;
    }
  }

  private async storeRecords(records: readonly ArchiveRecord[]): Promise<void> {
    const status = records.filter((r) => r.kind === 'status');
    const replies = records.filter((r) => r.kind === 'reply');
    try {
      if (status.length) {
        const rows = status.map((r) => [r.gateway, r.township, onlineFlag(r.status.online), r.status.online ? null : r.status.reason, r.status.ts, r.receivedAt, r.status.online ? r.status.bootId : null]);
        await this.pool.query(`INSERT INTO presence (${PRESENCE_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::bigint[], $7::text[]) ON CONFLICT DO NOTHING`, columns(rows));
      }
      if (replies.length) {
        const rows = replies.map((r) => [r.reply.id, r.gateway, r.township, r.reply.status, r.reply.error?.code ?? null, r.reply.ts, r.receivedAt]);
        await this.pool.query(`INSERT INTO replies (${REPLY_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) ON CONFLICT DO NOTHING`, columns(rows));
      }
    } catch (err) {
      if (!isDataError(err)) throw err;
      // As for events: a record PostgreSQL will never take must not stall the archiver.
      this.unstorable += records.length;
      this.log.error({ err: (err as Error).message, records: records.length }, 'status or reply records refused by PostgreSQL; not archived');
    }
  }

  async counts(from: number, to: number): Promise<RangeCounts> {
    const all = async <T extends pg.QueryResultRow>(q: { sql: string; params: (string | number)[] }): Promise<T[]> => (await this.pool.query<T>(q.sql, q.params)).rows;
    const [events, replies, presence, changes] = await Promise.all([
      all<{ gateway: string; township: string; category: string; severity: number; n: string }>(eventCountsSql(PG_DIALECT, from, to)),
      all<{ gateway: string; status: string; code: string | null; n: string }>(replyCountsSql(PG_DIALECT, from, to)),
      all<{ gateway: string; online: number; at_ms: string }>(presenceSql(PG_DIALECT, from, to)),
      all<{ gateway: string; device: string; type: string; at_ms: string }>(deviceChangesSql(PG_DIALECT, from, to)),
    ]);
    return {
      events: events.map((r) => ({ ...r, severity: SEVERITIES[r.severity] ?? 'info', n: Number(r.n) })),
      replies: replies.map((r) => ({ ...r, n: Number(r.n) })),
      presence: presence.map((r) => ({ gateway: r.gateway, online: r.online === 1, atMs: Number(r.at_ms) })),
      deviceChanges: changes.map((r) => ({ gateway: r.gateway, device: r.device, online: r.type === 'device.online', atMs: Number(r.at_ms) })),
    };
  }

  async openCases(limit: number): Promise<AlarmCase[]> {
    const q = openCasesSql(PG_DIALECT, limit);
    return (await this.pool.query(q.sql, q.params)).rows.map(caseOf);
  }

  async acknowledge(eventId: string, by: string, atMs: number): Promise<boolean> {
    const q = acknowledgeSql(PG_DIALECT, eventId, by, atMs);
    return (await this.pool.query(q.sql, q.params)).rowCount === 1;
  }

  async closeCase(eventId: string, by: string, note: string, atMs: number): Promise<boolean> {
    const q = closeSql(PG_DIALECT, eventId, by, note, atMs);
    return (await this.pool.query(q.sql, q.params)).rowCount === 1;
  }

  private async insert(batch: readonly IncomingEvent[]): Promise<number> {
    const rows = batch.map(({ township, event: e, receivedAt }) => [e.id, new Date(stampOf(e)).toISOString(), township, e.gateway, e.seq, eventTime(e, receivedAt), e.ts, e.clock, receivedAt, e.device, e.category, e.type, SEVERITY_RANK[e.severity], JSON.stringify(e.data)]);
    const r = await this.pool.query(
      `INSERT INTO events (id, stamped, township, gateway, seq, at_ms, ts, clock, received_ms, device, category, type, severity, data)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::smallint[], $14::json[])
       ON CONFLICT DO NOTHING`,
      columns(rows),
    );
    const alarms = batch.filter((b) => SEVERITY_RANK[b.event.severity] <= CASE_MAX_RANK);
    if (alarms.length) {
      const cases = alarms.map(({ township, event: e, receivedAt }) => [e.id, township, e.gateway, e.device, e.type, SEVERITY_RANK[e.severity], eventTime(e, receivedAt)]);
      await this.pool.query(`INSERT INTO alarm_cases (${CASE_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::bigint[]) ON CONFLICT DO NOTHING`, columns(cases));
    }
    return r.rowCount ?? 0;
  }

  async query(q: EventQuery): Promise<ArchivedEvent[]> {
    const { sql, params } = whereClause(q, PG_DIALECT);
    return this.rows(`SELECT * FROM events ${sql} ORDER BY at_ms DESC, gateway, seq DESC LIMIT $${params.length + 1}`, [...params, q.limit]);
  }

  async arrivedSince(q: EventQuery, fromMs: number): Promise<ArchivedEvent[]> {
    const { sql, params } = whereClause(q, PG_DIALECT);
    const n = params.length;
    return this.rows(`SELECT * FROM events ${sql ? `${sql} AND` : 'WHERE'} received_ms >= $${n + 1} ORDER BY received_ms, id LIMIT $${n + 2}`, [...params, fromMs, q.limit]);
  }

  private async rows(sql: string, params: (string | number)[]): Promise<ArchivedEvent[]> {
    const r = await this.pool.query<Row>(sql, params);
    return r.rows.map((row) => ({
      township: row.township,
      receivedAt: Number(row.received_ms),
      atMs: Number(row.at_ms),
      event: { id: row.id, seq: Number(row.seq), ts: row.ts, clock: row.clock, gateway: row.gateway, device: row.device, category: row.category, type: row.type, severity: SEVERITIES[row.severity] ?? 'info', data: row.data },
    }));
  }

  async count(): Promise<number> {
    const r = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
    return Number(r.rows[0]?.n ?? 0);
  }

  async gaps(gateways?: readonly string[]): Promise<SeqGaps[]> {
    const q = gapQueries(PG_DIALECT, gateways);
    const all = async <T extends pg.QueryResultRow>(x: { sql: string; params: string[] }): Promise<T[]> => (await this.pool.query<T>(x.sql, x.params)).rows;
    const [extents, holes, reports] = await Promise.all([all<{ gateway: string; first: string; last: string; n: string }>(q.extents), all<{ gateway: string; lo: string; hi: string }>(q.holes), all<{ gateway: string; data: unknown }>(q.reports)]);
    return gapsFromRows(extents, holes, reports);
  }


  /** The monthly partitions, oldest first. */
  async partitions(): Promise<string[]> {
    const r = await this.pool.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events' ORDER BY c.relname");
    return r.rows.map((row) => row.name).filter((n) => monthOfPartition(n) !== null);
  }

  /** Retention: drops every monthly partition that ends before `keepFrom` (whole tables, never rows); returns their names. */
  async retain(keepFrom: Month): Promise<string[]> {
    const cutoff = monthStart(keepFrom);
    const old = (await this.partitions()).filter((n) => monthStart(monthOfPartition(n) as Month) < cutoff);
    if (old.length === 0) return [];
    await this.ddl(async (c) => {
      for (const name of old) await c.query(`DROP TABLE IF EXISTS ${name}`);
    });
    for (const name of old) this.months.delete(name);
    this.log.info({ dropped: old, keepFrom: `${keepFrom.year}-${String(keepFrom.month).padStart(2, '0')}` }, 'archive partitions dropped');
    return old;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The partition key: the gateway's own stamp, the same on every delivery; epoch 0 when unreadable. */
function stampOf(e: EventEnvelope): number {
  const t = Date.parse(e.ts);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * The monthly report's queries, written once for both engines (issue 16): standard SQL, placeholders
 * from the engine's dialect. Each returns its SQL and parameters.
 */
import type { SqlDialect } from '../monitor/archive-query.js';

type Query = { sql: string; params: (string | number)[] };

const range = (d: SqlDialect, column: string, from: number, to: number, first = 1): Query => ({ sql: `${column} >= ${d.param(first)} AND ${column} < ${d.param(first + 1)}`, params: [from, to] });

export function eventCountsSql(d: SqlDialect, from: number, to: number): Query {
  const r = range(d, 'at_ms', from, to);
  return { sql: `SELECT gateway, township, category, severity, count(*) AS n FROM events WHERE ${r.sql} GROUP BY gateway, township, category, severity ORDER BY gateway, category, severity`, params: r.params };
}

export function replyCountsSql(d: SqlDialect, from: number, to: number): Query {
  const r = range(d, 'at_ms', from, to);
  return { sql: `SELECT gateway, status, code, count(*) AS n FROM replies WHERE ${r.sql} GROUP BY gateway, status, code ORDER BY gateway, status, code`, params: r.params };
}

/** Status changes in the range, and each gateway's last one before it (its state when the range began). */
export function presenceSql(d: SqlDialect, from: number, to: number): Query {
  return {
    sql: `SELECT gateway, online, at_ms FROM presence p WHERE at_ms = (SELECT max(at_ms) FROM presence q WHERE q.gateway = p.gateway AND q.at_ms < ${d.param(1)})
          UNION ALL SELECT gateway, online, at_ms FROM presence WHERE at_ms >= ${d.param(2)} AND at_ms < ${d.param(3)}
          ORDER BY gateway, at_ms`,
    params: [from, from, to],
  };
}

export function deviceChangesSql(d: SqlDialect, from: number, to: number): Query {
  const r = range(d, 'at_ms', from, to);
  return { sql: `SELECT gateway, device, type, at_ms FROM events WHERE type IN ('device.offline', 'device.online') AND category = 'device' AND ${r.sql} ORDER BY at_ms, seq`, params: r.params };
}

/** `0`/`1` for a status's `online`, the same in both engines. */
export const onlineFlag = (online: boolean): number => (online ? 1 : 0);

/** When a record counts from: its first arrival (see ArchiveRecord). */
export const PRESENCE_COLUMNS = 'gateway, township, online, reason, ts, at_ms, boot_id';
export const REPLY_COLUMNS = 'id, gateway, township, status, code, ts, at_ms';

/**
 * Births, last wills and command replies (both engines, the same DDL): `at_ms` is the first arrival (a
 * retained status comes again at every reconnect); a few rows per gateway and day, not partitioned.
 */
export const RECORDS_TABLES_SQL = `
  CREATE TABLE presence (
    gateway  TEXT     NOT NULL,
    township TEXT     NOT NULL,
    online   SMALLINT NOT NULL,
    reason   TEXT,
    ts       TEXT     NOT NULL,
    at_ms    BIGINT   NOT NULL,
    boot_id  TEXT,
    PRIMARY KEY (gateway, ts, online)
  );
  CREATE INDEX presence_at ON presence (gateway, at_ms);
  CREATE TABLE replies (
    id       TEXT   NOT NULL,   -- the command id
    gateway  TEXT   NOT NULL,
    township TEXT   NOT NULL,
    status   TEXT   NOT NULL,
    code     TEXT,
    ts       TEXT   NOT NULL,
    at_ms    BIGINT NOT NULL,
    PRIMARY KEY (id, gateway, status)
  );
  CREATE INDEX replies_at ON replies (at_ms);
`;

/**
 * Alarm handling (接警 / 处警 / 结案, issue 16) in the archive, written once for both engines: a case
 * for every critical and major event, opened when the archive stores the event; acknowledged by a duty
 * officer (who, when), then closed with what was done. Every console of the center reads the same rows.
 */
import type { SqlDialect } from '../monitor/archive-query.js';

/** Severity ranks that open a case: critical (0) and major (1). */
export const CASE_MAX_RANK = 1;

export const CASES_TABLE_SQL = `
  CREATE TABLE alarm_cases (
    event_id  TEXT PRIMARY KEY,
    township  TEXT NOT NULL,
    gateway   TEXT NOT NULL,
    device    TEXT NOT NULL,
    type      TEXT NOT NULL,
    severity  SMALLINT NOT NULL,
    at_ms     BIGINT NOT NULL,
    state     TEXT NOT NULL DEFAULT 'open',   -- open | acknowledged | closed
    ack_by    TEXT,
    ack_ms    BIGINT,
    note      TEXT,
    closed_by TEXT,
    closed_ms BIGINT
  );
  CREATE INDEX alarm_cases_state ON alarm_cases (state, severity, at_ms);
`;

export const CASE_COLUMNS = 'event_id, township, gateway, device, type, severity, at_ms';

type Query = { sql: string; params: (string | number)[] };

/** Cases not closed, most severe and newest first; then the `closedLimit` closed most recently. */
export function openCasesSql(d: SqlDialect, limit: number): Query {
  return { sql: `SELECT * FROM alarm_cases WHERE state <> 'closed' ORDER BY severity, at_ms DESC LIMIT ${d.param(1)}`, params: [limit] };
}

export function acknowledgeSql(d: SqlDialect, eventId: string, by: string, atMs: number): Query {
  return { sql: `UPDATE alarm_cases SET state = 'acknowledged', ack_by = ${d.param(1)}, ack_ms = ${d.param(2)} WHERE event_id = ${d.param(3)} AND state = 'open'`, params: [by, atMs, eventId] };
}

/** Closing needs what was done; a case closed without acknowledgement counts as acknowledged then. */
export function closeSql(d: SqlDialect, eventId: string, by: string, note: string, atMs: number): Query {
  return {
    sql: `UPDATE alarm_cases SET state = 'closed', closed_by = ${d.param(1)}, closed_ms = ${d.param(2)}, note = ${d.param(3)}, ack_by = COALESCE(ack_by, ${d.param(4)}), ack_ms = COALESCE(ack_ms, ${d.param(5)}) WHERE event_id = ${d.param(6)} AND state <> 'closed'`,
    params: [by, atMs, note, by, atMs, eventId],
  };
}

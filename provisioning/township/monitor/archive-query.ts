/**
 * Searches of the event archive (`vgw events query`), as one SQL WHERE clause with its parameters.
 * Text search is `LIKE` over the event's JSON, type, device and gateway: SQLite's FTS5 tokenizers do not
 * split Chinese into words, and a substring match finds "东门" in any payload.
 */
import { SEVERITY_RANK, type Severity } from './uplink-message.js';

export interface EventQuery {
  /** Event time from (ms, inclusive). */
  since?: number | undefined;
  /** Event time until (ms, exclusive). */
  until?: number | undefined;
  township?: string | undefined;
  gateways?: readonly string[] | undefined;
  devices?: readonly string[] | undefined;
  categories?: readonly string[] | undefined;
  /** This severity and the more severe ones. */
  minSeverity?: Severity | undefined;
  /** Exact types, or prefixes ending in `*` (`door.*`). */
  types?: readonly string[] | undefined;
  /** Substring of the data, type, device or gateway. */
  text?: string | undefined;
  /** Newest events returned at most. */
  limit: number;
}

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** How an engine spells a query: its parameter placeholders and the data column as text. */
export interface SqlDialect {
  /** The placeholder of the `n`th parameter (from 1): `?` in SQLite, `$n` in PostgreSQL. */
  param(n: number): string;
  /** The event's data as text, for substring search. */
  dataText: string;
}

export const SQLITE_DIALECT: SqlDialect = { param: () => '?', dataText: 'data' };

/** The WHERE clause of `q`, with its parameters in order; `first` is the number of the first placeholder. */
export function whereClause(q: EventQuery, dialect: SqlDialect = SQLITE_DIALECT, first = 1): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const p = (value: string | number): string => {
    params.push(value);
    return dialect.param(first + params.length - 1);
  };
  const anyOf = (column: string, values: readonly string[]): string => `${column} IN (${values.map(p).join(', ')})`;
  const like = (column: string, pattern: string): string => `${column} LIKE ${p(pattern)} ESCAPE '\\'`;
  if (q.since !== undefined) parts.push(`at_ms >= ${p(q.since)}`);
  if (q.until !== undefined) parts.push(`at_ms < ${p(q.until)}`);
  if (q.township) parts.push(`township = ${p(q.township)}`);
  if (q.gateways?.length) parts.push(anyOf('gateway', q.gateways));
  if (q.devices?.length) parts.push(anyOf('device', q.devices));
  if (q.categories?.length) parts.push(anyOf('category', q.categories));
  if (q.minSeverity) parts.push(`severity <= ${p(SEVERITY_RANK[q.minSeverity])}`);
  if (q.types?.length) parts.push(`(${q.types.map((t) => (t.endsWith('*') ? like('type', `${likeEscape(t.slice(0, -1))}%`) : `type = ${p(t)}`)).join(' OR ')})`);
  if (q.text) {
    const pattern = `%${likeEscape(q.text)}%`;
    parts.push(`(${[dialect.dataText, 'type', 'device', 'gateway'].map((c) => like(c, pattern)).join(' OR ')})`);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

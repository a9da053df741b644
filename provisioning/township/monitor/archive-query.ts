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
const anyOf = (column: string, values: readonly string[]): string => `${column} IN (${values.map(() => '?').join(', ')})`;

export function whereClause(q: EventQuery): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (q.since !== undefined) add('at_ms >= ?', q.since);
  if (q.until !== undefined) add('at_ms < ?', q.until);
  if (q.township) add('township = ?', q.township);
  if (q.gateways?.length) add(anyOf('gateway', q.gateways), ...q.gateways);
  if (q.devices?.length) add(anyOf('device', q.devices), ...q.devices);
  if (q.categories?.length) add(anyOf('category', q.categories), ...q.categories);
  if (q.minSeverity) add('severity <= ?', SEVERITY_RANK[q.minSeverity]);
  if (q.types?.length) {
    const prefix = (t: string) => t.endsWith('*');
    add(`(${q.types.map((t) => (prefix(t) ? "type LIKE ? ESCAPE '\\'" : 'type = ?')).join(' OR ')})`, ...q.types.map((t) => (prefix(t) ? `${likeEscape(t.slice(0, -1))}%` : t)));
  }
  if (q.text) {
    const like = `%${likeEscape(q.text)}%`;
    add("(data LIKE ? ESCAPE '\\' OR type LIKE ? ESCAPE '\\' OR device LIKE ? ESCAPE '\\' OR gateway LIKE ? ESCAPE '\\')", like, like, like, like);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A point in time from the command line: `30m`, `2h`, `7d` ago; a local date `2026-11-23`; or a date
 * and time (`2026-11-23T21:40`, local unless it names an offset). Null when unreadable.
 */
export function parseWhen(text: string, now = Date.now()): number | null {
  const rel = /^(\d+)([smhd])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number);
  // A bare date would be read as UTC midnight; a duty officer means local midnight.
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()}T00:00` : text);
  return Number.isNaN(t) ? null : t;
}

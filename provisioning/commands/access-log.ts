/**
 * `vgw access log`: searches the entry records (人员进出记录检索, issue 10) by person, door and time.
 * It opens the database read-only, so it works while the gateway runs (WAL: it sees the last commit).
 * The flags are defined in access-command.ts; this file is imported only when a search runs (issue 14).
 */
import { openDbReadOnly } from '../../cloud-bridge/db.js';
import { searchRecords, type AccessRecord } from '../../gateway/access/records.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import { isoLocal } from '../../gateway/kernel/clock.js';
import { CliError } from './cli-error.js';

const SPAN = /^(\d{1,6})(m|h|d)$/;
const SPAN_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A `--since`/`--until` value as ms: a local date or time, a time with offset, or a span back from now (`7d`). */
export function parseWhen(flag: string, text: string, now: number): number {
  const span = SPAN.exec(text);
  if (span) return now - Number(span[1]) * SPAN_MS[span[2] as keyof typeof SPAN_MS];
  const local = LOCAL.exec(text);
  const ms = local
    ? new Date(Number(local[1]), Number(local[2]) - 1, Number(local[3]), Number(local[4] ?? 0), Number(local[5] ?? 0), Number(local[6] ?? 0)).getTime()
    : /[+-]\d{2}:\d{2}$|Z$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new CliError(`${flag} "${text}" is not a time: use a local date 2026-12-01, a local time "2026-12-01 08:00", or a span back from now like 24h or 7d`, 2);
  return ms;
}

/** One record as a line of the table. */
function line(r: AccessRecord): string {
  const result = r.granted ? 'granted 通过' : `denied 拒绝 (${r.reason ?? '?'})`;
  return [isoLocal(r.ts).slice(0, 19).replace('T', ' '), r.door, r.reader, r.person ?? '-', `${r.method} …${r.last2}`, result].join('  ');
}

export interface AccessLogOptions {
  config: string;
  person?: string;
  door?: string;
  since?: string;
  until?: string;
  limit: number;
  json?: boolean;
}

/** Prints the matching records, oldest first; returns the exit code. */
export function accessLog(o: AccessLogOptions, out: (text: string) => void = (t) => process.stdout.write(t)): number {
  const now = Date.now();
  const since = o.since === undefined ? undefined : parseWhen('--since', o.since, now);
  const until = o.until === undefined ? undefined : parseWhen('--until', o.until, now);
  if (since !== undefined && until !== undefined && until <= since) throw new CliError(`--until must be later than --since; swap them or widen the range`, 2);
  const db = openDbReadOnly(loadConfigFile(o.config).gateway.dataDir);
  let records: AccessRecord[];
  try {
    records = searchRecords(db, { person: o.person, door: o.door, since, until, limit: o.limit });
  } catch (err) {
    if (/no such table/.test((err as Error).message)) throw new CliError('this database has no access records yet: start the gateway of this version once (it adds them)', 1);
    throw err;
  } finally {
    db.close();
  }
  if (o.json) {
    for (const r of records) out(`${JSON.stringify({ ...r, ts: isoLocal(r.ts) })}\n`);
    return 0;
  }
  out(`time                 door  reader  person  credential  result\n`);
  for (const r of records) out(`${line(r)}\n`);
  const granted = records.filter((r) => r.granted).length;
  out(`${records.length} records (${granted} granted, ${records.length - granted} denied)${records.length === o.limit ? `; only the newest ${o.limit} shown, raise --limit or narrow the search` : ''}\n`);
  return 0;
}

/**
 * Monthly partitions of the PostgreSQL archive (issue 16): named `events_pYYYYMM`, bounds at UTC month
 * starts. Created on first use by whichever archiver needs one (under an advisory lock, so a group of
 * archivers starting together does not race), and dropped whole by retention — never row by row.
 */

/** The first and the last month a partition is made for; other stamps go to the default partition. */
export const FIRST_PARTITION_YEAR = 2000;
export const PARTITION_MONTHS_AHEAD = 12;

/** A UTC month as `{ year, month }` (month 1–12). */
export interface Month {
  year: number;
  month: number;
}

export const monthOf = (ms: number): Month => {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
};

export const monthStart = ({ year, month }: Month): number => Date.UTC(year, month - 1, 1);
export const partitionName = ({ year, month }: Month): string => `events_p${year}${String(month).padStart(2, '0')}`;

/** `2026-11` → the month; null when unreadable. */
export function parseMonth(text: string): Month | null {
  const m = /^(\d{4})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : null;
}

/** `events_p202611` → the month; null for any other table name. */
export function monthOfPartition(name: string): Month | null {
  const m = /^events_p(\d{4})(\d{2})$/.exec(name);
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

/** Whether a stamp gets a monthly partition (else the default one holds it). */
export function partitioned(ms: number, now: number): boolean {
  const { year } = monthOf(ms);
  return year >= FIRST_PARTITION_YEAR && ms < monthStart(addMonths(monthOf(now), PARTITION_MONTHS_AHEAD + 1));
}

export function addMonths(m: Month, n: number): Month {
  const index = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The DDL creating the partition of `m`. */
export function createPartitionSql(m: Month): string {
  const from = new Date(monthStart(m)).toISOString();
  const to = new Date(monthStart(addMonths(m, 1))).toISOString();
  return `CREATE TABLE IF NOT EXISTS ${partitionName(m)} PARTITION OF events FOR VALUES FROM ('${from}') TO ('${to}')`;
}

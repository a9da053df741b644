/**
 * Commander parsers of the township commands' filter flags (`--gateway`, `--category`, `--since`,
 * `--webhook-severity`). They sit with the command definitions and import nothing but commander and
 * the kernel's lists, so defining the commands loads none of the monitor's or archive's code (issue 14).
 */
import { InvalidArgumentError } from 'commander';
import { CATEGORIES } from '../../../gateway/kernel/categories.js';
import { SEVERITIES, type Severity } from '../../../gateway/kernel/severity.js';

/** Splits a comma list ("a,b") from the command line; empty when nothing is in it. */
function commaList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export const idList = (value: string): string[] => commaList(value);

/** A comma list of categories, checked against the contract's. */
export function categoryList(value: string): string[] {
  const list = commaList(value);
  const unknown = list.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (unknown.length) throw new InvalidArgumentError(`unknown category ${unknown.join(', ')}; use ${CATEGORIES.join(', ')}`);
  return list;
}

/** A comma list of severities, at least one. */
export function severityList(value: string): Severity[] {
  const list = commaList(value);
  const unknown = list.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
  if (unknown.length || list.length === 0) throw new InvalidArgumentError(`use severities from ${SEVERITIES.join(', ')}, comma-separated`);
  return list as Severity[];
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

/** A commander parser for `--since`/`--until` (see parseWhen). */
export function when(value: string): number {
  const t = parseWhen(value);
  if (t === null) throw new InvalidArgumentError('use 30m, 2h or 7d (ago), a date like 2026-11-23, or a time like 2026-11-23T21:40');
  return t;
}

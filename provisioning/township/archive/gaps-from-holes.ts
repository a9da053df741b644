/**
 * Seq gaps from what an archive holds (issue 16): the holes between archived seqs, split by the ranges
 * the gateway's own eviction reports name. Computed from the stored events, so an archiver that
 * restarts — or any other archiver of the group — tells eviction from loss the same way.
 */
import { SeqRanges, type Range } from '../monitor/seq-ranges.js';
import type { SqlDialect } from '../monitor/archive-query.js';
import type { SeqGaps } from './store.js';

/** A gateway's archived seq extent and the holes in it, as the engines' window queries find them. */
export interface SeqExtent {
  gateway: string;
  first: number;
  last: number;
  archived: number;
  holes: Range[];
}

/** `data.ranges` of an eviction report, keeping only well-formed `[from, to]` pairs. */
export function rangesOf(data: unknown): Range[] {
  const ranges = (data as { ranges?: unknown } | null)?.ranges;
  if (!Array.isArray(ranges)) return [];
  return ranges.filter((r): r is Range => Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]) && r[0] <= r[1]);
}

export function classifyGaps(extent: SeqExtent, evicted: readonly Range[]): SeqGaps {
  const reported = new SeqRanges();
  for (const [from, to] of evicted) reported.addRange(from, to);
  const out: SeqGaps = { gateway: extent.gateway, first: extent.first, last: extent.last, archived: extent.archived, explained: [], unexplained: [] };
  for (const hole of extent.holes) {
    const { inside, outside } = reported.split(hole);
    out.explained.push(...inside);
    out.unexplained.push(...outside);
  }
  return out;
}

type Query = { sql: string; params: string[] };

/** The three queries gaps are made of, for either engine: extents, holes (window function), eviction reports. */
export function gapQueries(d: SqlDialect, gateways?: readonly string[]): { extents: Query; holes: Query; reports: Query } {
  const params = [...(gateways ?? [])];
  const list = params.map((_, i) => d.param(i + 1)).join(', ');
  const only = params.length ? `WHERE gateway IN (${list})` : '';
  return {
    extents: { sql: `SELECT gateway, min(seq) AS first, max(seq) AS last, count(*) AS n FROM events ${only} GROUP BY gateway ORDER BY gateway`, params },
    holes: { sql: `SELECT gateway, seq + 1 AS lo, next - 1 AS hi FROM (SELECT gateway, seq, lead(seq) OVER (PARTITION BY gateway ORDER BY seq) AS next FROM events ${only}) s WHERE next > seq + 1 ORDER BY gateway, lo`, params },
    reports: { sql: `SELECT gateway, data FROM events WHERE type = 'system.outbox.evicted' AND category = 'system' AND device = gateway${params.length ? ` AND gateway IN (${list})` : ''}`, params },
  };
}

/** Gaps from the rows of `gapQueries` (numbers as the engine gives them; `data` parsed). */
export function gapsFromRows(
  extents: readonly { gateway: string; first: number | string; last: number | string; n: number | string }[],
  holes: readonly { gateway: string; lo: number | string; hi: number | string }[],
  reports: readonly { gateway: string; data: unknown }[],
): SeqGaps[] {
  const byGateway = new Map<string, SeqExtent>(extents.map((r) => [r.gateway, { gateway: r.gateway, first: Number(r.first), last: Number(r.last), archived: Number(r.n), holes: [] }]));
  for (const h of holes) byGateway.get(h.gateway)?.holes.push([Number(h.lo), Number(h.hi)]);
  const evicted = new Map<string, Range[]>();
  for (const r of reports) evicted.set(r.gateway, [...(evicted.get(r.gateway) ?? []), ...rangesOf(r.data)]);
  return [...byGateway.values()].map((e) => classifyGaps(e, evicted.get(e.gateway) ?? []));
}

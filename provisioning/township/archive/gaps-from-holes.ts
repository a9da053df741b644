/**
 * Seq gaps from what an archive holds (issue 16): the holes between archived seqs, split by the ranges
 * the gateway's own eviction reports name. Computed from the stored events, so an archiver that
 * restarts — or any other archiver of the group — tells eviction from loss the same way.
 */
import { SeqRanges, type Range } from '../monitor/seq-ranges.js';
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

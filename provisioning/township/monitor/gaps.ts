/**
 * Seq-gap detection for one gateway (contract: `seq` is strictly increasing and never reused, and a
 * `system.outbox.evicted` event lists the seq ranges the gateway dropped). A hole between the lowest
 * and highest seq seen is:
 * - explained: covered by an eviction report — the gateway said it dropped those events;
 * - pending: not (yet) covered, but may still arrive — a backlog drains by severity first, so holes
 *   open and close during every drain, and nothing can arrive while the gateway is offline;
 * - unexplained: still open `settleMs` after it opened (counted from the gateway's latest birth, if
 *   later) while the gateway is online: loss that nobody reported.
 * Seqs below the first one seen are not holes: they were sent before this console was listening.
 *
 * An eviction report can also name seqs that did arrive: the gateway evicts rows it sent without getting
 * the PUBACK (the link died with the acknowledgement on its way), and it cannot know that the broker had
 * them. Those are counted apart (`evictedButArrived`), so that explained + evictedButArrived always adds
 * up to what the gateway reported evicted (issue 17: counting only holes made the two disagree).
 */
import { countOf, SeqRanges, type Range } from './seq-ranges.js';

export interface GapReport {
  explained: Range[];
  pending: Range[];
  unexplained: Range[];
  /** Seqs an eviction report names that arrived all the same. */
  evictedButArrived: Range[];
}

interface OpenHole {
  from: number;
  to: number;
  /** When the hole opened (ms). */
  since: number;
}

export class GapTracker {
  private readonly seen = new SeqRanges();
  private readonly evicted = new SeqRanges();
  private open: OpenHole[] = [];

  /** Records a seq; returns false when it was already seen. */
  see(seq: number, now: number): boolean {
    if (this.seen.has(seq)) return false;
    const { min, max } = this.seen;
    if (max !== null && seq > max + 1) this.open.push({ from: max + 1, to: seq - 1, since: now });
    if (min !== null && seq < min - 1) this.open.push({ from: seq + 1, to: min - 1, since: now });
    this.seen.add(seq);
    return true;
  }

  /** Ranges from a `system.outbox.evicted` report. */
  evict(ranges: readonly Range[]): void {
    for (const [from, to] of ranges) this.evicted.addRange(from, to);
  }

  /**
   * Classifies the current holes. `onlineSince`: when the gateway's latest birth arrived, or null
   * while it is offline or its status is unknown.
   */
  report(now: number, onlineSince: number | null, settleMs: number): GapReport {
    const out: GapReport = { explained: [], pending: [], unexplained: [], evictedButArrived: [] };
    for (const r of this.evicted.list()) out.evictedButArrived.push(...this.seen.split(r).inside);
    const next: OpenHole[] = [];
    for (const [from, to] of this.seen.holes()) {
      // A hole only shrinks or splits after it opens: its age is that of the oldest record it overlaps.
      const since = Math.min(...this.open.filter((h) => h.to >= from && h.from <= to).map((h) => h.since), now);
      next.push({ from, to, since });
      const { inside, outside } = this.evicted.split([from, to]);
      out.explained.push(...inside);
      const settled = onlineSince !== null && now - Math.max(since, onlineSince) >= settleMs;
      (settled ? out.unexplained : out.pending).push(...outside);
    }
    this.open = next;
    return out;
  }
}

export interface GapSummary {
  explained: number;
  pending: number;
  unexplained: number;
  /** The unexplained ranges themselves, for the operator to look up. */
  unexplainedRanges: Range[];
  /** Reported evicted, yet received: sent by the gateway, its PUBACK lost before the eviction. */
  evictedButArrived: number;
}

export const summarize = (r: GapReport): GapSummary => ({
  explained: countOf(r.explained),
  pending: countOf(r.pending),
  unexplained: countOf(r.unexplained),
  unexplainedRanges: r.unexplained,
  evictedButArrived: countOf(r.evictedButArrived),
});

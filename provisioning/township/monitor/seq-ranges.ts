/**
 * A set of integers kept as sorted, disjoint, non-adjacent inclusive ranges. A gateway's seqs arrive
 * mostly in order, so millions of them cost a handful of ranges; a backlog drained by severity first
 * (contract: severity, then seq) leaves holes that close as the rest arrives.
 */
export type Range = readonly [from: number, to: number];

export class SeqRanges {
  private ranges: [number, number][] = [];

  get size(): number {
    return this.ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  }

  get min(): number | null {
    return this.ranges[0]?.[0] ?? null;
  }

  get max(): number | null {
    return this.ranges.at(-1)?.[1] ?? null;
  }

  list(): Range[] {
    return this.ranges.map(([a, b]) => [a, b] as const);
  }

  has(n: number): boolean {
    const i = this.indexAfter(n) - 1;
    const r = this.ranges[i];
    return r !== undefined && n <= r[1];
  }

  add(n: number): void {
    this.addRange(n, n);
  }

  addRange(from: number, to: number): void {
    if (to < from) return;
    let i = this.indexAfter(from) - 1;
    // Step back to the first range that touches [from, to] (overlapping or adjacent).
    if (i < 0 || (this.ranges[i] as [number, number])[1] < from - 1) i++;
    let j = i;
    let lo = from;
    let hi = to;
    while (j < this.ranges.length && (this.ranges[j] as [number, number])[0] <= to + 1) {
      const [a, b] = this.ranges[j] as [number, number];
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
      j++;
    }
    this.ranges.splice(i, j - i, [lo, hi]);
  }

  /** The missing ranges between the smallest and the largest member. */
  holes(): Range[] {
    const out: Range[] = [];
    for (let i = 1; i < this.ranges.length; i++) out.push([(this.ranges[i - 1] as [number, number])[1] + 1, (this.ranges[i] as [number, number])[0] - 1]);
    return out;
  }

  /** Splits `range` into the parts inside this set and the parts outside it. */
  split([from, to]: Range): { inside: Range[]; outside: Range[] } {
    const inside: Range[] = [];
    const outside: Range[] = [];
    let at = from;
    for (const [a, b] of this.ranges) {
      if (b < at) continue;
      if (a > to) break;
      if (a > at) outside.push([at, a - 1]);
      inside.push([Math.max(a, at), Math.min(b, to)]);
      at = Math.min(b, to) + 1;
      if (at > to) break;
    }
    if (at <= to) outside.push([at, to]);
    return { inside, outside };
  }

  /** Index of the first range starting after `n` (binary search). */
  private indexAfter(n: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ranges[mid] as [number, number])[0] <= n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export const countOf = (ranges: readonly Range[]): number => ranges.reduce((n, [a, b]) => n + b - a + 1, 0);

/**
 * Rows the township acknowledged whose delete is still to come, with each row's payload length (the
 * uplink passes it with the ack), so the outbox's byte count stays exact without a per-row
 * `RETURNING` (issue 14 item 2). They are deleted by runs of consecutive ids: an uplink caught up
 * acknowledges rows in id order, so a whole batch is usually one `DELETE … BETWEEN`.
 */
/** The prepared `DELETE … WHERE id BETWEEN ? AND ?` (a port: only db.ts imports better-sqlite3). */
export interface RangeDelete {
  run(from: number, to: number): { changes: number };
}

export class AckedRows {
  private bytesById = new Map<number, number>();

  get size(): number {
    return this.bytesById.size;
  }

  has(id: number): boolean {
    return this.bytesById.has(id);
  }

  add(id: number, bytes: number): void {
    this.bytesById.set(id, bytes);
  }

  /** Takes every waiting row out (for a commit); `restore` puts them back if it failed. */
  take(): Map<number, number> {
    const taken = this.bytesById;
    this.bytesById = new Map();
    return taken;
  }

  restore(taken: Map<number, number>): void {
    for (const [id, bytes] of taken) this.bytesById.set(id, bytes);
  }
}

/** What deleting a set of acknowledged rows freed, and whether every one of them was still there. */
export interface Deleted {
  rows: number;
  bytes: number;
  /**
   * False when fewer rows went than were acknowledged: one was already gone (evicted, or a state row
   * replaced, while it was in flight), so the freed bytes are unknown and the totals must be recounted.
   */
  exact: boolean;
}

/** Inside a transaction: deletes `taken` with `range` (`DELETE … WHERE id BETWEEN ? AND ?`), one run at a time. */
export function deleteRuns(range: RangeDelete, taken: Map<number, number>): Deleted {
  const ids = [...taken.keys()].sort((a, b) => a - b);
  let rows = 0;
  let bytes = 0;
  for (let i = 0; i < ids.length; ) {
    const from = ids[i]!;
    let to = from;
    while (ids[i + 1] === to + 1) to = ids[++i]!;
    i++;
    rows += range.run(from, to).changes;
  }
  for (const b of taken.values()) bytes += b;
  return { rows, bytes, exact: rows === ids.length };
}

/**
 * Entry records (人员进出记录, issue 10 item 5): every decision, kept locally in `access_records`,
 * bounded by age and count, searchable by person, door and time (`vgw access log`). They hold the
 * masked credential only.
 */
import type { Db } from '../../cloud-bridge/db.js';
import type { AccessDecision, AccessRequest } from '../../device-drivers/access.js';

/** One stored record. */
export interface AccessRecord {
  id: number;
  ts: number;
  door: string;
  reader: string;
  person: string | null;
  granted: boolean;
  reason: string | null;
  method: string;
  hash: string;
  last2: string;
  direction: string | null;
  /** `gateway`: decided by the whitelist here; `device`: decided at the device (a controller's own decision, a reader's refusal of a door it does not serve or a weak face match). */
  source: 'gateway' | 'device';
}

/** What `search` filters by; times in ms since epoch, `until` exclusive. */
export interface RecordQuery {
  person?: string | undefined;
  door?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  limit: number;
}

type Row = Omit<AccessRecord, 'granted'> & { granted: number };

/** Rows deleted per pruning statement, so pruning a long backlog never holds the writer for long. */
const PRUNE_CHUNK = 2000;

export class AccessRecords {
  private readonly insert;
  private readonly oldest;
  private readonly count;
  private readonly pruneBefore;
  private readonly byRef;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO access_records (ts, door, reader, person, granted, reason, method, hash, last2, direction, source, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.byRef = db.prepare('SELECT 1 FROM access_records WHERE reader = ? AND ref = ?').pluck();
    this.oldest = db.prepare('SELECT id FROM access_records ORDER BY id LIMIT 1 OFFSET ?').pluck();
    this.count = db.prepare('SELECT COUNT(*) FROM access_records').pluck();
    this.pruneBefore = db.prepare(`DELETE FROM access_records WHERE id IN (SELECT id FROM access_records WHERE ts < ? OR id < ? ORDER BY id LIMIT ${PRUNE_CHUNK})`);
  }

  /** Stores one decision. */
  add(ts: number, request: AccessRequest, decision: AccessDecision, source: AccessRecord['source']): void {
    const c = decision.credential;
    this.insert.run(ts, request.door, request.reader, decision.person ?? null, decision.granted ? 1 : 0, decision.reason ?? null, c.method, c.hash, c.last2, request.direction ?? null, source, request.ref ?? null);
  }

  /** Whether `reader` already has a record of its event `ref`. */
  has(reader: string, ref: string): boolean {
    return this.byRef.get(reader, ref) !== undefined;
  }

  /** Deletes records older than `before` and the oldest beyond `maxRecords`, a chunk per turn; resolves with how many went. */
  async prune(before: number, maxRecords: number): Promise<number> {
    const total = this.count.get() as number;
    const cutId = total > maxRecords ? ((this.oldest.get(total - maxRecords) as number | undefined) ?? 0) : 0;
    let deleted = 0;
    for (;;) {
      const n = this.pruneBefore.run(before, cutId).changes;
      deleted += n;
      if (n < PRUNE_CHUNK) return deleted;
      await new Promise((r) => setImmediate(r));
    }
  }
}

/** Records matching `q`, oldest first (the newest `limit` of them); works on a read-only handle. */
export function searchRecords(db: Db, q: RecordQuery): AccessRecord[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.person !== undefined) (where.push('person = ?'), args.push(q.person));
  if (q.door !== undefined) (where.push('door = ?'), args.push(q.door));
  if (q.since !== undefined) (where.push('ts >= ?'), args.push(q.since));
  if (q.until !== undefined) (where.push('ts < ?'), args.push(q.until));
  const sql = `SELECT * FROM (SELECT * FROM access_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?) ORDER BY id`;
  return (db.prepare(sql).all(...args, q.limit) as Row[]).map((r) => ({ ...r, granted: r.granted === 1 }));
}

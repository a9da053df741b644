/**
 * The broadcast queue in SQLite (architecture.md, "One SQLite file"): a notice stays until it has been
 * heard as often as asked, has expired, failed or was cancelled, across any number of reboots. A notice
 * ends exactly once (`end` only moves a queued row), and its final reply is marked as sent separately,
 * so a crash between the two only sends that reply again at the next start.
 */
import type { Db } from '../../cloud-bridge/db.js';

export type Priority = 'emergency' | 'normal';
export type EndState = 'done' | 'failed' | 'expired' | 'cancelled';
export type Content = { text: string } | { sound: string } | { url: string; sha256: string; maxBytes?: number | undefined };

export interface Notice {
  /** The broadcast command's id. */
  id: string;
  priority: Priority;
  content: Content;
  /** Percent; null: each loudspeaker's own volume. */
  volume: number | null;
  /** Device ids; null: every loudspeaker. */
  speakers: string[] | null;
  plays: number;
  /** Plays heard to the end so far. */
  played: number;
  intervalMs: number;
  /** The next play not before (ms since epoch). */
  due: number;
  expires: number;
  received: number;
  by: string;
}

export interface Outcome {
  code: string;
  message: string;
}

export interface EndedNotice extends Notice {
  state: EndState;
  error: Outcome | null;
}

interface Row {
  id: string;
  priority: number;
  content: string;
  volume: number | null;
  speakers: string | null;
  plays: number;
  played: number;
  interval_ms: number;
  due: number;
  expires: number;
  received: number;
  issued_by: string;
  state: string;
  error_code: string | null;
  error_msg: string | null;
}

const PRIORITY_RANK: Record<Priority, number> = { emergency: 0, normal: 1 };

function toNotice(r: Row): Notice {
  return {
    id: r.id,
    priority: r.priority === 0 ? 'emergency' : 'normal',
    content: JSON.parse(r.content) as Content,
    volume: r.volume,
    speakers: r.speakers === null ? null : (JSON.parse(r.speakers) as string[]),
    plays: r.plays,
    played: r.played,
    intervalMs: r.interval_ms,
    due: r.due,
    expires: r.expires,
    received: r.received,
    by: r.issued_by,
  };
}

export class BroadcastStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT OR IGNORE INTO broadcasts (id, priority, content, volume, speakers, plays, played, interval_ms, due, expires, received, issued_by)
        VALUES (@id, @priority, @content, @volume, @speakers, @plays, @played, @interval_ms, @due, @expires, @received, @issued_by)`),
      // Emergency first, then the earliest due, then arrival order.
      queued: db.prepare("SELECT * FROM broadcasts WHERE state = 'queued' ORDER BY priority, due, rowid"),
      get: db.prepare('SELECT * FROM broadcasts WHERE id = ?'),
      reschedule: db.prepare("UPDATE broadcasts SET played = ?, due = ? WHERE id = ? AND state = 'queued'"),
      end: db.prepare("UPDATE broadcasts SET state = ?, played = ?, error_code = ?, error_msg = ? WHERE id = ? AND state = 'queued'"),
      unreported: db.prepare("SELECT * FROM broadcasts WHERE state != 'queued' AND reported = 0 ORDER BY rowid"),
      reported: db.prepare('UPDATE broadcasts SET reported = 1 WHERE id = ?'),
      prune: db.prepare("DELETE FROM broadcasts WHERE state != 'queued' AND reported = 1 AND expires < ?"),
    };
  }

  /** Queues a notice; false when its id is already known (it is never queued twice). */
  insert(n: Notice): boolean {
    const row = { id: n.id, priority: PRIORITY_RANK[n.priority], content: JSON.stringify(n.content), volume: n.volume, speakers: n.speakers && JSON.stringify(n.speakers), plays: n.plays, played: n.played, interval_ms: n.intervalMs, due: n.due, expires: n.expires, received: n.received, issued_by: n.by };
    return this.stmts.insert.run(row).changes === 1;
  }

  /** Queued notices in playing order. */
  queued(): Notice[] {
    return (this.stmts.queued.all() as Row[]).map(toNotice);
  }

  get(id: string): (Notice & { state: string }) | undefined {
    const r = this.stmts.get.get(id) as Row | undefined;
    return r && { ...toNotice(r), state: r.state };
  }

  /** Records plays heard and when the next one is due. */
  reschedule(id: string, played: number, due: number): void {
    this.stmts.reschedule.run(played, due, id);
  }

  /** Ends a queued notice; false when it had already ended (whoever ended it reports it). */
  end(id: string, state: EndState, played: number, error: Outcome | null): boolean {
    return this.stmts.end.run(state, played, error?.code ?? null, error?.message ?? null, id).changes === 1;
  }

  /** Ended notices whose final reply may not have reached the outbox (a crash in between). */
  unreported(): EndedNotice[] {
    return (this.stmts.unreported.all() as Row[]).map((r) => ({ ...toNotice(r), state: r.state as EndState, error: r.error_code ? { code: r.error_code, message: r.error_msg ?? '' } : null }));
  }

  markReported(id: string): void {
    this.stmts.reported.run(id);
  }

  /** Forgets reported notices that expired before `before`. */
  prune(before: number): number {
    return this.stmts.prune.run(before).changes;
  }
}

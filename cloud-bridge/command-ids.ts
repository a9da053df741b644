/**
 * Command ids already executed, kept in SQLite so a replay is refused even after a restart. An id is
 * kept until its command's `expiresAt`: after that the command is refused as expired anyway.
 */
import type { Db } from './db.js';

export class CommandIds {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT OR IGNORE INTO executed_commands (id, name, received, expires) VALUES (?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM executed_commands WHERE expires < ?'),
    };
  }

  /** Records `id`; false if it was already there (a replay). Committed before it returns. */
  claim(id: string, name: string, now: number, expires: number): boolean {
    return this.stmts.insert.run(id, name, now, expires).changes === 1;
  }

  /** Forgets ids whose commands have expired (with a margin for clock corrections). */
  prune(now: number, marginMs = 24 * 3600 * 1000): number {
    return this.stmts.prune.run(now - marginMs).changes;
  }
}

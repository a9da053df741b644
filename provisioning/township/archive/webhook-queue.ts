/**
 * The webhook push's queue (issue 16): one small SQLite file, written before the archiver acknowledges
 * the broker (`synchronous=FULL`, like the archive: it must survive a power cut). One row per event id:
 * a redelivered alarm is not queued twice, and sent ids are kept a while so a late redelivery is not
 * pushed again.
 */
import Database from 'better-sqlite3';

/** How long sent ids are remembered (redeliveries come within the broker's session expiry, 7 days). */
const KEEP_SENT_MS = 8 * 86_400_000;

export class WebhookQueue {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec('CREATE TABLE IF NOT EXISTS pushes (n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, sent_ms INTEGER)');
  }

  /** Queues pushes in one commit; an id queued or sent before is skipped. */
  add(pushes: readonly { id: string; body: string }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO pushes (id, body) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const p of pushes) insert.run(p.id, p.body);
    })();
  }

  /** The oldest push not yet sent. */
  next(): { n: number; id: string; body: string } | undefined {
    return this.db.prepare('SELECT n, id, body FROM pushes WHERE sent_ms IS NULL ORDER BY n LIMIT 1').get() as { n: number; id: string; body: string } | undefined;
  }

  markSent(n: number): void {
    this.db.prepare('UPDATE pushes SET sent_ms = ?, attempts = attempts + 1 WHERE n = ?').run(Date.now(), n);
  }

  markFailed(n: number): void {
    this.db.prepare('UPDATE pushes SET attempts = attempts + 1 WHERE n = ?').run(n);
  }

  waiting(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM pushes WHERE sent_ms IS NULL').get() as { n: number }).n;
  }

  forgetOldSent(): void {
    this.db.prepare('DELETE FROM pushes WHERE sent_ms < ?').run(Date.now() - KEEP_SENT_MS);
  }

  close(): void {
    this.db.close();
  }
}

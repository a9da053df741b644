/**
 * SD-card care for the database file (issue 13, item 5): the WAL stays bounded and a drained backlog
 * gives its space back, so a box that buffered a week of outage does not keep a file that size forever.
 */
import type { Logger } from 'pino';
import type { Db } from './db.js';

/** WAL pages after which a commit checkpoints into the main file (SQLite's default, said here on purpose). */
export const WAL_AUTOCHECKPOINT_PAGES = 1000;
/** What a WAL file is cut back to after a checkpoint reset: a burst that grew it does not keep the size. */
export const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** An existing database without auto_vacuum is rebuilt (VACUUM, needs its size again in free space) only when smaller than this. */
export const VACUUM_AT_OPEN_MAX_BYTES = 8 * 1024 * 1024;
/** Free pages below this stay in the file: not worth a write for 256 KiB (new rows reuse them). */
export const RECLAIM_MIN_FREE_PAGES = 64;
/** Pages given back per drained outbox, bounding the time one incremental_vacuum holds the loop. */
export const RECLAIM_MAX_PAGES = 4096;

/**
 * Sets the WAL bounds and incremental auto-vacuum. Call before the migrations: `auto_vacuum` only
 * takes on a database with no tables yet, or through a VACUUM, which an existing small database gets
 * once here; a large one keeps auto_vacuum off until a start finds it small (a drained box's file is).
 */
export function prepareFileSpace(db: Db): void {
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  if ((db.pragma('auto_vacuum', { simple: true }) as number) === 2) return;
  const tables = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
  db.pragma('auto_vacuum = INCREMENTAL');
  if (tables === 0) return;
  const bytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  // A large file would need its size again in free space, and seconds of a Pi's SD card: later.
  if (bytes <= VACUUM_AT_OPEN_MAX_BYTES) db.exec('VACUUM');
}

/**
 * Gives free pages back to the file system once the outbox has drained (called from its delete path).
 * The truncation reaches the main file at the next checkpoint, so a passive one (never waits on a
 * reader) follows at once. Returns the pages freed; a failure (a full disk refusing the WAL frames)
 * is logged and leaves the pages for the next drain.
 */
export function reclaimFreePages(db: Db, log: Logger): number {
  try {
    const free = db.pragma('freelist_count', { simple: true }) as number;
    if (free < RECLAIM_MIN_FREE_PAGES) return 0;
    db.pragma(`incremental_vacuum(${RECLAIM_MAX_PAGES})`);
    db.pragma('wal_checkpoint(PASSIVE)');
    const freed = free - (db.pragma('freelist_count', { simple: true }) as number);
    log.info({ pages: freed }, 'drained outbox gave its space back');
    return freed;
  } catch (err) {
    log.warn({ err }, 'incremental vacuum failed; trying at the next drain');
    return 0;
  }
}

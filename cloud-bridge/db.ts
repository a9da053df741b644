/**
 * The one SQLite file (architecture.md, "One SQLite file"). Only this file and the stores built on the
 * handle it returns import better-sqlite3 (style rule 5).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../gateway/errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export const DB_FILE = 'gateway.db';

export function openDb(dataDir: string): Db {
  let db: Db;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, DB_FILE));
  } catch (err) {
    throw new GatewayError('VGW_DB_OPEN', `cannot open the database in gateway.dataDir "${dataDir}": ${(err as Error).message}; check that the directory exists, is writable by this user and the disk is not full`, false, { cause: err });
  }
  db.pragma('journal_mode = WAL');
  // better-sqlite3 builds SQLite with WAL defaulting to synchronous=NORMAL, where the last commits can
  // vanish on power loss. FULL fsyncs the WAL on every commit, which the durability rule needs.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * Opens `file` as a tiny SQLite database and takes its write lock for as long as the handle stays open
 * (`locking_mode=EXCLUSIVE`: SQLite then never drops the lock after a transaction). The lock is a POSIX
 * fcntl lock, which the kernel releases when the process dies, kill -9 included; a second opener gets
 * SQLITE_BUSY at once (no busy timeout). Used by gateway/data-dir-lock.ts.
 */
export function openExclusive(file: string): Db {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (since INTEGER); COMMIT;');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Applies numbered migrations once each; `user_version` records the last one applied. */
function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new GatewayError('VGW_DB_MIGRATION', `the database is at schema version ${current}, newer than this gateway knows (${MIGRATIONS.length}); install the newer gateway version again or restore a backup`);
  }
  for (let v = current + 1; v <= MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v - 1] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v}`);
    })();
  }
}

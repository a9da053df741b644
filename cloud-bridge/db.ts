/**
 * The one SQLite file (architecture.md, "One SQLite file"). Only this file and the stores built on the
 * handle it returns import better-sqlite3 (style rule 5).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
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

/** What `inspectDb` found: no file yet, a readable database, or a file SQLite cannot use. */
export type DbInspection = { state: 'missing'; file: string } | { state: 'ok'; file: string; outboxRows: number } | { state: 'corrupt'; file: string; problem: string };

/**
 * Reads the database without changing it (read-only, no migrations): for `vgw check` and for the
 * benchmark's "outbox empty after a drain" invariant, while a gateway may be running on it.
 */
export function inspectDb(dataDir: string): DbInspection {
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file)) return { state: 'missing', file };
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') return { state: 'corrupt', file, problem: check };
    const hasOutbox = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").pluck().get() as number;
    const outboxRows = hasOutbox ? (db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number) : 0;
    return { state: 'ok', file, outboxRows };
  } catch (err) {
    return { state: 'corrupt', file, problem: (err as Error).message };
  } finally {
    db?.close();
  }
}

/**
 * The one SQLite file (architecture.md, "One SQLite file"). Only this file and the stores built on the
 * handle it returns import better-sqlite3 (style rule 5).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../gateway/kernel/errors.js';
import { MIGRATIONS } from './migrations.js';
import { SEQ_LEASE_FILE } from './seq-lease.js';
import { prepareFileSpace } from './vacuum.js';

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
  try {
    // Before journal_mode and the migrations: auto_vacuum only takes on a database without tables.
    prepareFileSpace(db);
    db.pragma('journal_mode = WAL');
    // better-sqlite3 builds SQLite with WAL defaulting to synchronous=NORMAL, where the last commits can
    // vanish on power loss. FULL fsyncs the WAL on every commit, which the durability rule needs.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    db.close();
    throw asCorruptDb(dataDir, err);
  }
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

/** SQLite's verdict on a file that is not a (readable) database: SQLITE_NOTADB, SQLITE_CORRUPT*. */
export function isCorruptDb(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * A damaged database becomes a GatewayError that names the file, what is wrong and the fix, instead of
 * a stack trace (issue 8 D); any other error is returned as it is.
 */
export function asCorruptDb(dataDir: string, err: unknown): unknown {
  if (!isCorruptDb(err)) return err;
  return new GatewayError('VGW_DB_CORRUPT', asCorruptDbMessage(dataDir, (err as Error).message), false, { cause: err });
}

/** What is wrong with a damaged database and the fix, for the gateway's error and `vgw check`. */
export function asCorruptDbMessage(dataDir: string, problem: string): string {
  const file = join(dataDir, DB_FILE);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '');
  return `the database file ${file} is damaged (${problem}). Fix: stop the gateway and move it aside: mv ${file} ${file}.corrupt-${stamp} (and ${file}-wal, ${file}-shm likewise if present); the gateway then starts with an empty outbox (events still in the old file are not sent) and keeps counting seq from ${join(dataDir, SEQ_LEASE_FILE)}`;
}

/**
 * Notices the database file or its WAL deleted or replaced while open (issue 8 D): SQLite keeps writing
 * into an unlinked inode, so commits "succeed" into a file nobody will read again. Compares (dev, inode)
 * with what was first seen; two stat calls, cheap enough to run before every commit.
 */
export class DbFiles {
  private readonly seen = new Map<string, string>();
  private readonly files: string[];

  constructor(dataDir: string) {
    this.files = [join(dataDir, DB_FILE), join(dataDir, `${DB_FILE}-wal`)];
    this.changed();
  }

  /** Null while the files are the ones opened; else the one that vanished or was replaced. */
  changed(): string | null {
    for (const file of this.files) {
      const st = statSync(file, { throwIfNoEntry: false });
      const id = st ? `${st.dev}:${st.ino}` : null;
      const was = this.seen.get(file);
      // The WAL is created by the first write: record it when it first appears.
      if (was === undefined) {
        if (id !== null) this.seen.set(file, id);
        else if (file === this.files[0]) return file;
        continue;
      }
      if (id !== was) return file;
    }
    return null;
  }
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

/**
 * Opens the database read-only (no migrations, no writes) for tools that read it while the daemon runs
 * (`vgw access log`): WAL lets a reader see the last commit without blocking the writer.
 */
export function openDbReadOnly(dataDir: string): Db {
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file)) throw new GatewayError('VGW_DB_OPEN', `no database at ${file}: check gateway.dataDir in the config, or start the gateway once to create it`);
  return new Database(file, { readonly: true, fileMustExist: true });
}

/** The data dir's database opened read-only, for `vgw status` with no daemon; null when there is none. */
export function openReadOnly(dataDir: string): Db | null {
  return existsSync(join(dataDir, DB_FILE)) ? openDbReadOnly(dataDir) : null;
}

/**
 * One gateway per data directory (issue 8, finding 19): two on the same directory took the township
 * session from each other every ~1.5 s and wrote into the same outbox. `{dataDir}/vgw.lock` is held
 * with SQLite's exclusive lock, a kernel (fcntl) lock that dies with the process, so a kill -9 or a
 * power cut leaves nothing stale to clean up. A pid file with O_EXCL would outlive a kill -9 and need
 * guessing (is that pid alive, is it still us after a reboot reused it); the kernel lock needs none.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openExclusive } from '../cloud-bridge/db.js';
import { GatewayError } from './kernel/errors.js';

export const LOCK_FILE = 'vgw.lock';

/** A held data-directory lock. */
export interface DataDirLock {
  /** The lock file. */
  readonly file: string;
  /** Releases the lock (stop, or a start that failed). */
  release(): void;
}

/** Takes the lock of `dataDir` (creating the directory), or throws `VGW_DATA_DIR_LOCKED` naming the holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  let db: ReturnType<typeof openExclusive>;
  try {
    db = openExclusive(file);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') throw err;
    const pid = lockHolder(file);
    throw new GatewayError('VGW_DATA_DIR_LOCKED', `another gateway (${pid === null ? 'pid unknown' : `pid ${pid}`}) is running on gateway.dataDir "${dataDir}" (it holds ${file}); stop it first (systemctl stop vgw) or give this one its own dataDir`, false, { cause: err });
  }
  let held = true;
  return {
    file,
    release() {
      if (held) db.close();
      held = false;
    },
  };
}

/** The pid holding a POSIX lock on `file`, from the kernel's /proc/locks (Linux); null when unknown. */
export function lockHolder(file: string, procLocks = '/proc/locks'): number | null {
  try {
    const ino = statSync(file).ino;
    // "1: POSIX  ADVISORY  WRITE 4711 08:01:1234567 1073741824 1073741824": pid, then major:minor:inode.
    for (const line of readFileSync(procLocks, 'utf8').split('\n')) {
      const m = /\s(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
      if (m && Number(m[2]) === ino) return Number(m[1]);
    }
  } catch {
    // No /proc (not Linux) or the file vanished: the message says the pid is unknown.
  }
  return null;
}

/**
 * The gateway's database as the installer commands open it (`vgw test`, `vgw report`). They run as
 * root; a database file they create would then be root's, and the daemon (user vgw) could no longer
 * write it. So, as root, every database file is given to the data directory's owner, the service user.
 */
import { chownSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE, openDb, type Db } from '../../cloud-bridge/db.js';

function giveToDataDirOwner(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = statSync(dataDir);
  for (const name of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) {
    const file = join(dataDir, name);
    if (existsSync(file) && statSync(file).uid !== uid) chownSync(file, uid, gid);
  }
}

/** Runs `use` on the open database, then closes it; files made meanwhile belong to the data dir's owner. */
export async function withBoxDb<T>(dataDir: string, use: (db: Db) => Promise<T> | T): Promise<T> {
  const db = openDb(dataDir);
  try {
    giveToDataDirOwner(dataDir);
    return await use(db);
  } finally {
    giveToDataDirOwner(dataDir);
    db.close();
  }
}

/** Whether a gateway runs on a data directory, read from the kernel's lock table without taking the lock. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, lockHolder } from '../../gateway/data-dir-lock.js';

/** The pid of the gateway holding `dataDir`'s lock, or null when none runs there. */
export function runningGateway(dataDir: string): number | null {
  const file = join(dataDir, LOCK_FILE);
  return existsSync(file) ? lockHolder(file) : null;
}

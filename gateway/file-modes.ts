/**
 * Files holding secrets or the village's data should be readable by the gateway's user alone (issue 8,
 * #14d): the uplink password file and the database (card numbers, the whitelist, the backlog).
 */
import { statSync } from 'node:fs';
import type { Logger } from 'pino';

/** Logs a warning, naming the file and the fix, when `file` is readable or writable by group or others. */
export function warnIfExposed(log: Logger, file: string, holds: string): boolean {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    return false; // missing: whoever needs it reports that
  }
  if ((mode & 0o077) === 0) return false;
  log.warn({ file, mode: `0${(mode & 0o777).toString(8)}`, holds, fix: `chmod 600 ${file}` }, 'file readable by group or others');
  return true;
}

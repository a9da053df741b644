/**
 * `vgw reload` (issue 13 item 4): validates the config file here first (a mistake is named at once,
 * with the key and the fix, and the daemon is not bothered), finds the daemon as the holder of the
 * data directory's lock (gateway/data-dir-lock.ts), sends it SIGHUP and waits for the outcome on its
 * status socket. Exit 0 applied, 1 refused or no answer, 2 bad config, 3 no daemon.
 */
import { join } from 'node:path';
import { loadConfigFile } from '../../gateway/config/load.js';
import { lockHolder, LOCK_FILE } from '../../gateway/data-dir-lock.js';
import { STATUS_SOCKET } from '../../gateway/http/server.js';
import { t, type Lang } from '../../gateway/http/status-text.js';
import { askDaemon, NOT_RUNNING } from './status.js';

/** How long the daemon gets to report the reload. */
const ANSWER_MS = 30_000;

/** Validates, signals the daemon, prints its outcome; returns the exit code. */
export async function reload(o: { config: string; lang: Lang }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = loadConfigFile(o.config);
  const lock = join(config.gateway.dataDir, LOCK_FILE);
  const pid = lockHolder(lock);
  if (pid === null) {
    out.write(`${t(o.lang, 'reload.nodaemon', { file: lock })}\n`);
    return NOT_RUNNING;
  }
  const socket = join(config.gateway.dataDir, STATUS_SOCKET);
  const before = (await askDaemon(socket).catch(() => null))?.reload?.at ?? 0;
  process.kill(pid, 'SIGHUP');
  out.write(`${t(o.lang, 'reload.sent', { pid })}\n`);
  const until = Date.now() + ANSWER_MS;
  while (Date.now() < until) {
    const r = (await askDaemon(socket).catch(() => null))?.reload;
    if (r && r.at > before) {
      out.write(`${t(o.lang, r.ok ? 'reload.done' : 'reload.refused', { summary: r.message, error: r.message })}\n`);
      return r.ok ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  out.write(`${t(o.lang, 'reload.noanswer', { sec: ANSWER_MS / 1000 })}\n`);
  return 1;
}

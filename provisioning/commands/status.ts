/**
 * `vgw status` (issue 12 item 7): the box's own view with no township needed. Asks the daemon over
 * `{dataDir}/status.sock`; when nothing answers there it says so and reads the database read-only.
 * Exit 0 when the daemon answered, 3 when it is not running (as `systemctl status` does).
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { loadConfigFile } from '../../gateway/config/load.js';
import { lockHolder, LOCK_FILE } from '../../gateway/data-dir-lock.js';
import { STATUS_SOCKET } from '../../gateway/http/server.js';
import type { StatusSnapshot } from '../../gateway/http/status.js';
import { storedStatus } from '../../gateway/http/stored-status.js';
import { t, type Lang } from '../../gateway/http/status-text.js';
import { statusView } from '../../gateway/http/status-view.js';
import { DB_FILE } from '../../cloud-bridge/db.js';
import { printTable } from './text-table.js';

/** Exit code when the daemon is not running. */
export const NOT_RUNNING = 3;

/** GET /status.json on the daemon's socket; null when nothing listens there. Errors are worded in `lang`. */
export function askDaemon(socketPath: string, lang: Lang = 'en', timeoutMs = 5000): Promise<StatusSnapshot | null> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/status.json', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as StatusSnapshot) : reject(new Error(t(lang, 'status.daemon.answered', { code: res.statusCode ?? '?', socket: socketPath })))));
    });
    req.on('timeout', () => req.destroy(new Error(t(lang, 'status.daemon.stuck', { socket: socketPath, ms: timeoutMs }))));
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? resolve(null) : reject(err)));
    req.end();
  });
}

/** Prints the status (text or `json`) and returns the exit code. */
export async function status(o: { config: string; json?: boolean; lang: Lang }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = loadConfigFile(o.config);
  const socketPath = join(config.gateway.dataDir, STATUS_SOCKET);
  const live = await askDaemon(socketPath, o.lang);
  const snapshot = live ?? storedStatus(config);
  if (o.json) {
    out.write(`${JSON.stringify(snapshot ?? { source: 'none', gateway: { id: config.gateway.id } }, null, 2)}\n`);
    return live ? 0 : NOT_RUNNING;
  }
  const lang = o.lang;
  if (!live) {
    const pid = lockHolder(join(config.gateway.dataDir, LOCK_FILE));
    out.write(`${t(lang, 'status.daemon.down', { socket: socketPath })}${pid === null ? '' : t(lang, 'status.pid', { pid })}\n\n`);
  }
  if (!snapshot) {
    out.write(`${t(lang, 'status.daemon.nodb', { file: join(config.gateway.dataDir, DB_FILE) })}\n`);
    return NOT_RUNNING;
  }
  const v = statusView(snapshot, lang);
  out.write(`${v.title}\n`);
  printTable(out, v.summary.map(([k, val]) => [k, val]));
  for (const p of v.problems) out.write(`  ! ${p}\n`);
  out.write(`\n${t(lang, 'status.devices')}\n`);
  printTable(out, [v.devices.head, ...v.devices.rows]);
  out.write(`\n${v.zones.title}\n`);
  if (v.zones.rows.length) printTable(out, v.zones.rows);
  else out.write(`  ${v.zones.empty}\n`);
  out.write(`\n${v.recent.title}\n`);
  if (v.recent.rows.length) printTable(out, [v.recent.head, ...v.recent.rows]);
  else out.write(`  ${v.recent.empty}\n`);
  return live ? 0 : NOT_RUNNING;
}

/**
 * The container's HEALTHCHECK (issue 13, items 1 and 3): GET /healthz on the gateway's status socket,
 * `{gateway.dataDir}/status.sock` (gateway/http/server.ts), exit 0 on 200, 1 otherwise, within 4 s.
 * Runs as `node dist/gateway/ops/healthcheck.js`, a process of its own, so it does not depend on the
 * gateway's event loop being the one that answers.
 *
 * The socket is served whether or not the LAN HTTP server is enabled (`http.enabled`), by the same
 * handler, so the check needs neither a port nor the HTTP token, and no TCP fallback: a gateway whose
 * socket does not answer is unhealthy. The data dir comes from the config file (VGW_CONFIG), read as
 * plain YAML: loading the whole config schema every 30 s would cost the box more than the check.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';

const TIMEOUT_MS = 4000;
/** The status socket's name in the data dir (gateway/http/server.ts's STATUS_SOCKET; not imported, to stay light). */
const SOCKET = 'status.sock';

/** Resolves 'up' on HTTP 200, 'down' on any other answer or error, 'absent' when nothing listens. */
export function probeHealthz(target: { socketPath: string } | { port: number; host?: string }): Promise<'up' | 'down' | 'absent'> {
  return new Promise((resolve) => {
    const at = 'socketPath' in target ? { socketPath: target.socketPath } : { host: target.host ?? '127.0.0.1', port: target.port };
    const req = request({ ...at, path: '/healthz', timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 'up' : 'down');
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? 'absent' : 'down'));
    req.end();
  });
}

/** The status socket of the gateway run with `configFile`. */
export function statusSocketOf(configFile: string): string {
  const config = parse(readFileSync(configFile, 'utf8')) as { gateway?: { dataDir?: unknown } } | null;
  const dataDir = config?.gateway?.dataDir;
  if (typeof dataDir !== 'string') throw new Error(`${configFile} has no gateway.dataDir`);
  return join(dataDir, SOCKET);
}

async function main(): Promise<void> {
  let socketPath: string;
  try {
    socketPath = process.env.VGW_HEALTH_SOCKET ?? statusSocketOf(process.env.VGW_CONFIG ?? '/etc/vgw/vgw.yaml');
  } catch (err) {
    process.stdout.write(`unhealthy (${(err as Error).message})\n`);
    process.exit(1);
  }
  const state = await probeHealthz({ socketPath });
  process.stdout.write(`${state === 'up' ? 'healthy' : 'unhealthy'} (healthz ${state} on ${socketPath})\n`);
  process.exit(state === 'up' ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();

/**
 * The container's HEALTHCHECK (issue 13, item 1): GET http://127.0.0.1:{VGW_HEALTH_PORT}/healthz,
 * exit 0 on 200, 1 otherwise, within 4 s. Runs as `node dist/gateway/ops/healthcheck.js`, a process
 * of its own, so it does not depend on the gateway's event loop being the one that answers.
 *
 * The LAN HTTP server that serves /healthz is issue 13 item 3 and not built yet: while nothing listens
 * on the HTTP port (ECONNREFUSED), the check falls back to a TCP connect to the local broker's port
 * (VGW_MQTT_PORT, 1883), so the image is not reported unhealthy for a server it does not have yet.
 * Remove the fallback when item 3 lands.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

const TIMEOUT_MS = 4000;

/** Resolves 'up' on HTTP 200, 'down' on any other answer or error, 'absent' when the port refuses. */
export function probeHealthz(port: number, host = '127.0.0.1'): Promise<'up' | 'down' | 'absent'> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/healthz', timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 'up' : 'down');
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'absent' : 'down'));
    req.end();
  });
}

/** True when something accepts a TCP connection on the port within the timeout. */
export function probeTcp(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: TIMEOUT_MS }, () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('timeout', () => sock.destroy(new Error('timeout')));
    sock.on('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const httpPort = Number(process.env.VGW_HEALTH_PORT ?? 8080);
  const mqttPort = Number(process.env.VGW_MQTT_PORT ?? 1883);
  const http = await probeHealthz(httpPort);
  const ok = http === 'up' || (http === 'absent' && (await probeTcp(mqttPort)));
  process.stdout.write(`${ok ? 'healthy' : 'unhealthy'} (healthz ${http}${http === 'absent' ? `, broker port ${mqttPort}` : ''})\n`);
  process.exit(ok ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();

/**
 * Issue 13 item 3 figures: RSS of a gateway child (`vgw run`, sources through tsx) with `http` off and
 * on, and the latency of /metrics, / and /healthz scrapes (median, p99) with the memory after them.
 * Run: npx tsx test/bench/http-figures.ts (needs mosquitto).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpGet } from '../ops/support/http-get.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { memory } from './proc-stats.js';

const TOKEN = 'bench-token-bench-token-bench-token';
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

async function run(http: boolean, broker: Mosquitto): Promise<void> {
  const port = await freePort();
  const gw = await GatewayProcess.prepare({ uplinkUrl: broker.url, devices: [{ id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' }], override: http ? { http: { enabled: true, host: '127.0.0.1', port, auth: { tokenFile: '/tmp/vgw-bench-http-token' } } } : {} });
  writeFileSync('/tmp/vgw-bench-http-token', TOKEN, { mode: 0o600 });
  await gw.start();
  await settle(3000);
  const idle = memory(gw.pid);
  const line = [`http ${http ? 'on ' : 'off'}: RSS idle ${idle.rssMiB.toFixed(1)} MiB`];
  const target = http ? { port } : { socketPath: join(gw.dataDir, 'status.sock') };
  for (const [path, n] of [['/metrics', 300], ['/', 100], ['/healthz', 300]] as const) {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const a = await httpGet(target, path === '/' && !http ? '/status.json' : path, { authorization: `Bearer ${TOKEN}` });
      ms.push(performance.now() - t0);
      if (a.status !== 200) throw new Error(`${path}: ${a.status}`);
    }
    line.push(`${path === '/' && !http ? '/status.json' : path}${http ? '' : ' (socket)'} median ${quantile(ms, 0.5).toFixed(2)} ms p99 ${quantile(ms, 0.99).toFixed(2)} ms`);
  }
  const after = memory(gw.pid);
  line.push(`RSS after ${after.rssMiB.toFixed(1)} MiB, VmHWM ${after.hwmMiB.toFixed(1)} MiB`);
  process.stdout.write(`${line.join('; ')}\n`);
  await gw.stop();
}

const broker = new Mosquitto();
await broker.start();
try {
  await run(false, broker);
  await run(true, broker);
} finally {
  await broker.stop();
}

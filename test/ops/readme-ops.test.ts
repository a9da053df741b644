/**
 * The README's "Health, metrics, status and config reload" commands, run as written (only the config
 * directory /etc/vgw and the port 8080 are replaced by the test's own), against a real daemon; and its
 * Prometheus scrape example is a scrape config for this endpoint.
 */
import { exec } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';
import { ROOT } from '../support/vgw-cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = README.split('## Health, metrics, status and config reload')[1]?.split('\n## ')[0] ?? '';
const blocks = (lang: string) => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);
const commands = (blocks('sh')[0] ?? '').split('\n').filter((l) => l.trim() !== '');

function sh(line: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    exec(line, { cwd: ROOT, timeout: 60_000, shell: '/bin/sh' }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }));
  });
}

describe.runIf(requireTools('mosquitto', 'openssl', 'curl'))('README: health, metrics, status and reload, as written', () => {
  const broker = new Mosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'vgw-readme-ops-'));
  let gw: GatewayProcess;
  let port: number;
  const asHere = (line: string) => line.replaceAll('/etc/vgw/vgw.yaml', gw.configFile).replaceAll('/etc/vgw', dir).replaceAll('8080', String(port));

  beforeAll(async () => {
    await broker.start();
    port = await freePort();
    gw = await GatewayProcess.prepare({
      uplinkUrl: broker.url,
      dataDir: dir,
      devices: [{ id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' }],
      override: { http: { enabled: true, host: '127.0.0.1', port, auth: { tokenFile: join(dir, 'http-token') } } },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await broker.stop();
  });

  it('shows the six commands, and each runs as written', async () => {
    expect(commands.map((c) => c.split(' ').slice(0, 4).join(' '))).toEqual([
      'openssl rand -hex 24',
      'curl -fsS http://127.0.0.1:8080/healthz',
      'curl -fsS -H "Authorization:',
      'npm run vgw --',
      'npm run vgw --',
      'npm run vgw --',
    ]);
    const [token, healthz, metrics, status, statusZh, reload] = commands.map((c) => asHere(c)) as [string, string, string, string, string, string];
    expect((await sh(token)).code).toBe(0);
    expect(statSync(join(dir, 'http-token')).mode & 0o777).toBe(0o600);
    await gw.start(); // reads the token the first command wrote
    const until = Date.now() + 20_000;
    let h = await sh(healthz);
    while (h.code !== 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      h = await sh(healthz);
    }
    expect(h.out).toContain('{"ok":true,"reasons":[]}');
    const m = await sh(metrics);
    expect(m.code, m.out).toBe(0);
    expect(m.out).toMatch(/^vgw_backlog_depth \d+$/m);
    const s = await sh(status);
    expect(s.code, s.out).toBe(0);
    expect(s.out).toContain(gw.gatewayId);
    expect(s.out).toMatch(/Uplink\s+connected/);
    const zh = await sh(statusZh);
    expect(zh.code).toBe(0);
    expect(zh.out).toMatch(/上联\s+已连接/);
    const r = await sh(reload);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('applied the new config: nothing changed');
  });

  it('gives a Prometheus scrape config for /metrics with the token from a file', () => {
    const prom = parse(blocks('yaml')[0] ?? '') as { scrape_configs: { job_name: string; metrics_path: string; authorization: { type: string; credentials_file: string }; static_configs: { targets: string[] }[] }[] };
    const job = prom.scrape_configs[0];
    expect(job?.metrics_path).toBe('/metrics');
    expect(job?.authorization).toEqual({ type: 'Bearer', credentials_file: expect.stringMatching(/^\//) });
    expect(job?.static_configs[0]?.targets[0]).toMatch(/^[\d.]+:8080$/);
  });
});

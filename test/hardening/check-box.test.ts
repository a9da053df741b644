/**
 * Issue 8, finding 23: `vgw check --offline` said "config OK" on a box where `run` then failed. Each
 * failure is produced for real (no GPIO on this machine, no sound card, a dataDir under a file or on a
 * read-only mount, a taken port) and the spawned CLI must name it with its fix and exit non-zero.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildConfig } from '../support/gateway-fixture.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { freePort } from '../support/ports.js';
import { vgw } from '../support/vgw-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-check-box-'));
const hasGpio = existsSync('/sys/class/gpio') || (existsSync('/dev') && readdirSync('/dev').some((f) => /^gpiochip\d+$/.test(f)));
const hasSoundCard = existsSync('/proc/asound/cards') && /^\s*\d+ \[/m.test(execFileSync('cat', ['/proc/asound/cards']).toString());

async function check(name: string, o: { dataDir?: string; port?: number; host?: string; devices?: unknown[]; zones?: unknown[] } = {}) {
  const config = await buildConfig({ uplinkUrl: 'mqtt://127.0.0.1:1', dataDir: o.dataDir ?? join(dir, `${name}-data`), gatewayId: '370283104-box-01', devices: [] });
  Object.assign(config.localBroker, { host: o.host ?? '127.0.0.1', port: o.port ?? (await freePort()) });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({ ...config, devices: o.devices ?? [], ...(o.zones ? { zones: o.zones } : {}) }));
  return vgw(['check', '--offline', '--config', file]);
}

describe('vgw check checks the box (issue 8, finding 23)', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('passes a box where run would start, with one verdict line per check', async () => {
    const r = await check('good');
    expect(r.stdout).toMatch(/^gateway\.dataDir OK: ".*good-data" does not exist yet; the gateway will create it$/m);
    expect(r.stdout).toMatch(/^localBroker\.port OK: 127\.0\.0\.1:\d+ is free$/m);
    expect(r.code).toBe(0);
  });

  it.skipIf(hasGpio)('fails when the configured GPIO pins cannot be reached (this machine has none), saying why and how to fix it', async () => {
    const r = await check('gpio', { devices: [{ id: 'siren-1', driver: 'relay', pin: 22 }, { id: 'strobe-1', driver: 'relay', pin: 23 }] });
    expect(r.stdout).toMatch(/^PROBLEM gpio: GPIO 22 \(siren-1\), 23 \(strobe-1\) cannot be reached: sysfs \(onoff\): .+\. character device \(gpiod\): .*(install the gpiod tools|no \/dev\/gpiochip\*)/m);
    expect(r.code).toBe(1);
  });

  it.skipIf(hasSoundCard)('fails when a loudspeaker is configured but the box has no sound card', async () => {
    const r = await check('sound', { devices: [{ id: 'speaker-main', driver: 'loudspeaker' }] });
    expect(r.stdout).toMatch(/^PROBLEM sound: loudspeaker speaker-main: no sound card \(\/proc\/asound\/cards (is missing|lists none)\); fix: connect a USB sound card or enable the onboard one/m);
    expect(r.code).toBe(1);
  });

  it('fails when dataDir cannot be created (under a file) or written (a read-only mount)', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const under = await check('under-file', { dataDir: join(file, 'data') });
    expect(under.stdout).toContain(`PROBLEM gateway.dataDir: "${join(file, 'data')}" cannot be created: "${file}" is not a directory; fix: create it on persistent storage`);
    expect(under.code).toBe(1);

    const ro = join(dir, 'ro');
    mkdirSync(ro);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', ro], { stdio: 'pipe' });
    } catch (err) {
      const message = `READ-ONLY MOUNT NOT POSSIBLE (needs root): ${(err as Error).message.split('\n')[0]}; that half is SKIPPED`;
      if (process.env.VGW_REQUIRE_TOOLS === '1') throw new Error(message);
      process.stderr.write(`\n*** ${message} ***\n\n`);
      return;
    }
    cleanup.push(() => execFileSync('umount', [ro]));
    const readOnly = await check('read-only', { dataDir: ro });
    expect(readOnly.stdout).toContain(`PROBLEM gateway.dataDir: cannot write in "${ro}" (EROFS); fix:`);
    expect(readOnly.code).toBe(1);
  });

  it('fails when the local port is taken by another program, but not when the gateway itself holds it', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => blocker.close(r)));
    const taken = await check('port', { port });
    expect(taken.stdout).toContain(`PROBLEM localBroker.port: cannot listen on 127.0.0.1:${port} (EADDRINUSE); fix: stop the other service on it (ss -ltnp | grep :${port} shows which) or set localBroker.port to a free one`);
    expect(taken.code).toBe(1);

    const running = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, devices: [] });
    cleanup.push(() => running.stop());
    await running.start();
    const r = await vgw(['check', '--offline', '--config', running.configFile]);
    expect(r.stdout).toContain(`gateway.dataDir OK: "${running.dataDir}" is writable; a gateway is running on it (pid ${running.pid})`);
    expect(r.stdout).toContain(`localBroker.port OK: 127.0.0.1:${running.localPort} is in use, by the running gateway`);
    expect(r.code).toBe(0);
  }, 60_000);
});

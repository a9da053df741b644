/**
 * Issue 12, items 2, 4 and 5 with the daemon running: the login `vgw device add` printed lets the device
 * into the real gateway's LAN broker; `vgw check` says the LAN device has never logged in before that,
 * and "seen" after (from the retained device state the township holds), reads the running gateway's
 * retained status back without overwriting it, and accepts the port and data dir the gateway holds;
 * `vgw test` and `vgw report` record and read alongside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceClient } from '../support/devices.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';
import { ROOT, vgw } from '../support/vgw-cli.js';
import { editConfig, initBox, markClockSynced } from './support.js';

const ok = requireTools('mosquitto');
const dir = mkdtempSync(join(tmpdir(), 'vgw-alongside-'));

describe.skipIf(!ok)('the installer commands alongside a running gateway', () => {
  const township = new Mosquitto();
  let daemon: ChildProcess | null = null;
  let log = '';
  let config = '';
  let password = '';
  let localPort = 0;

  beforeAll(async () => {
    await township.start();
    config = (await initBox(dir, { broker: township.url })).config;
    markClockSynced(config);
    localPort = await freePort();
    editConfig(config, (doc) => {
      doc.setIn(['localBroker', 'host'], '127.0.0.1');
      doc.setIn(['localBroker', 'port'], localPort);
    });
    const add = await vgw(['device', 'add', 'mqtt', 'door-east', 'category=door', '--config', config, '--no-qr']);
    password = /password: (\S+)/.exec(add.stdout)?.[1] ?? '';
    daemon = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts'), 'run', '--config', config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VGW_LOG_LEVEL: 'info' } });
    daemon.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    daemon.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const until = Date.now() + 30_000;
    while (!log.includes('"msg":"gateway started"')) {
      if (daemon.exitCode !== null || Date.now() > until) throw new Error(`the gateway did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    if (daemon && daemon.exitCode === null) await new Promise((r) => daemon!.once('exit', r).kill('SIGTERM'));
    await township.stop();
  });

  it('check: never seen before the device logs in, seen after; the running gateway left alone', async () => {
    const before = await vgw(['check', '--config', config]);
    expect(before.stdout).toContain('PROBLEM devices.door-east: LAN device door-east has never logged in\n  fix: set up device door-east with the username and password vgw device add printed');
    expect(before.stdout).toMatch(/uplink\.status OK: the running gateway's retained status read back/);
    expect(before.stdout).toMatch(/localBroker\.port OK: 127\.0\.0\.1:\d+ is in use, by the running gateway/);
    expect(before.code).toBe(1);
    const device = await deviceClient(localPort, 'door-east', password);
    try {
      let after = await vgw(['check', '--config', config]);
      // The device's online state reaches the township through the gateway's outbox: wait for it.
      const until = Date.now() + 20_000;
      while (!after.stdout.includes('devices.door-east OK') && Date.now() < until) after = await vgw(['check', '--config', config]);
      expect(after.stdout, 'the township holds door-east\'s retained state').toMatch(/devices\.door-east OK: LAN device door-east seen \(last state 20\d\d-/);
      expect(after.code, after.stdout).toBe(0);
    } finally {
      await device.endAsync();
    }
    expect(log).not.toMatch(/"msg":"(uplink error|gateway stopped)"/);
  });

  it('test and report write and read the database while the gateway runs', async () => {
    const t = await vgw(['test', '--config', config, '--non-interactive']);
    expect(t.stdout).toMatch(/^SKIPPED door-east:/m);
    expect(t.code).toBe(0);
    const r = await vgw(['report', '--config', config, '--out', join(dir, 'report.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 self-test steps, 0 failed');
    expect(daemon?.exitCode).toBeNull();
  });
});

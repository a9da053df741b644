/**
 * Issue 12, item 5: `vgw test --non-interactive` against a fake sysfs GPIO tree whose value files the
 * test changes, as the kernel would: an input that changes passes, one that never changes fails with the
 * fix, the relay is really pulsed (its value file seen at the on level), a LAN device is skipped, and
 * every step is a row in the database.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { vgw } from '../support/vgw-cli.js';
import { initBox, wiredBox, wiredLines } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-selftest-'));

describe('vgw test', () => {
  // One wired box for the file (each `vgw device add` is a process start); the first test reads its rows.
  let box: Awaited<ReturnType<typeof wiredBox>>;
  beforeAll(async () => {
    box = await wiredBox(join(dir, 'box'));
  });

  it('records a pass for an input that changes, a failure for one that never does, and pulses the relay', async () => {
    const { config, sysfs, line, press } = box;
    // The panic button is pressed now and then (the contact closes: the line reads 0); the PIR's NC loop
    // reads open (1: alarm, as an unwired NC input does) and never changes.
    const presser = press(17);
    const relayLevels = new Set<string>();
    // A read racing the CLI's write can see the file empty (truncated, not yet written): not a level.
    const watcher = setInterval(() => relayLevels.add(readFileSync(join(line(27), 'value'), 'utf8').trim() || '1'), 10);
    const r = await vgw(['test', '--config', config, '--non-interactive', '--timeout', '3', '--sysfs-root', sysfs.root, '--lang', 'en']).finally(() => {
      presser.stop();
      clearInterval(watcher);
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('2 inputs to test:\n  panic-east-gate  pin 17, zone east-gate, location east gate\n  pir-market  pin 22, zone market');
    expect(r.stdout).toMatch(/^panic-east-gate: (normal → alarm|alarm → normal) \(level [01] → [01]\) after \d+\.\d s$/m);
    expect(r.stdout).toMatch(/^PASS panic-east-gate: changed/m);
    expect(r.stdout).toContain('FAIL pir-market: no change within 3 s (stayed alarm); fix: check the wiring of GPIO 22');
    expect(r.stdout).toMatch(/^PASS siren-1: pulsed 1000 ms/m);
    expect(r.stdout).toMatch(/^SKIPPED panic-lan:/m);
    expect(r.stdout).toMatch(/2 passed, 1 failed, 1 skipped/);
    expect(r.stderr).toContain('waiting up to 3 s for pir-market');
    expect([...relayLevels].sort(), 'the active-low relay was driven to 0 (on) and back to 1 (off)').toEqual(['0', '1']);
    expect(readFileSync(join(line(27), 'value'), 'utf8').trim()).toBe('1');
    const db = new Database(join(dir, 'box', 'data', 'gateway.db'), { readonly: true });
    const rows = db.prepare('SELECT device, kind, step, result, ts, detail FROM selftest_results ORDER BY id').all() as { device: string; result: string; ts: number; detail: string }[];
    db.close();
    expect(rows.map((x) => [x.device, x.result])).toEqual([['panic-east-gate', 'pass'], ['pir-market', 'fail'], ['siren-1', 'pass'], ['panic-lan', 'skipped']]);
    expect(rows.every((x) => x.ts > Date.now() - 120_000 && x.detail.length > 0)).toBe(true);
  });

  it('--only tests one device, and says in Chinese what failed and how to fix it', async () => {
    const { config, sysfs } = box;
    const r = await vgw(['test', '--config', config, '--non-interactive', '--timeout', '1', '--only', 'pir-market', '--sysfs-root', sysfs.root, '--lang', 'zh']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('失败 pir-market：1 秒内没有变化（一直是报警）；修复：检查 GPIO 22');
    expect(r.stdout).not.toContain('panic-east-gate：');
    const unknown = await vgw(['test', '--config', config, '--only', 'nope', '--sysfs-root', sysfs.root]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no device "nope" in the config; the ids are: panic-east-gate, pir-market, siren-1, panic-lan');
  });

  it('asks before pulsing a relay and records what the installer answered', async () => {
    const { config, sysfs } = box;
    const run = (input: string) => vgw(['test', '--config', config, '--only', 'siren-1', '--lang', 'en'], { input, env: { ...process.env, VGW_SYSFS_GPIO: sysfs.root } });
    const yes = await run('y\ny\n');
    expect(yes.stderr).toContain('pulse siren-1 (GPIO 27) now [Y/n]');
    expect(yes.stderr).toContain('did siren-1 switch on and off [y/N]');
    expect(yes.stdout).toContain('PASS siren-1: pulsed 1000 ms, confirmed by the installer');
    expect(yes.code).toBe(0);
    const unseen = await run('\nn\n');
    expect(unseen.stdout).toContain("FAIL siren-1: pulsed, but the installer saw nothing; fix: check the relay board's power");
    const declined = await run('n\n');
    expect(declined.stdout).toContain('SKIPPED siren-1: not pulsed: declined at the prompt');
  });

  it('vgw check gives one verdict per pin where sysfs exists', async () => {
    const { config, sysfs } = box;
    const env = { ...process.env, VGW_SYSFS_GPIO: sysfs.root };
    const fine = await vgw(['check', '--config', config, '--offline'], { env });
    expect(fine.stdout).toContain(`gpio.17 OK: GPIO 17 (panic-east-gate) is sysfs line 529, exported (by the running gateway) and readable`);
    expect(fine.stdout).toMatch(/^gpio OK: GPIO reachable for 17 \(panic-east-gate\), 22 \(pir-market\), 27 \(siren-1\)$/m);
    expect(fine.stdout).toContain('gpio.27 OK: GPIO 27 (siren-1) is sysfs line 539, exported');
    const zh = await vgw(['check', '--config', config, '--offline', '--lang', 'zh'], { env: { ...env, VGW_SYSFS_GPIO: join(sysfs.root, 'gone') } });
    expect(zh.stdout, 'no sysfs: no per-pin lines, the backend verdict says why').not.toContain('gpio.17');
    expect(zh.stdout).toMatch(/问题 gpio：GPIO 17 \(panic-east-gate\).* 无法访问：.*修复：把网关用户加入 gpio 组/);
  });

  it.skipIf(process.getuid?.() !== 0)('run as root, leaves the database to the service user that owns the data dir', async () => {
    const { config } = await initBox(join(dir, 'owned'), { broker: 'mqtt://127.0.0.1:1883', extra: ['--user', 'nobody'] });
    expect((await vgw(['device', 'add', 'relay', 'siren-9', 'pin=27', '--config', config])).code).toBe(0);
    const gpio = wiredLines([], [27]);
    const r = await vgw(['test', '--config', config, '--non-interactive', '--sysfs-root', gpio.root]);
    expect(r.stdout).toContain('PASS siren-9');
    const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString());
    // Without this the daemon (user vgw) could not open a gateway.db that vgw test created as root.
    expect(statSync(join(dir, 'owned', 'data', 'gateway.db')).uid).toBe(nobody);
  });
});

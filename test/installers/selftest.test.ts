/**
 * Issue 12, item 5: `vgw test --non-interactive` against a fake sysfs GPIO tree whose value files the
 * test changes, as the kernel would: an input that changes passes, one that never changes fails with the
 * fix, the relay is really pulsed (its value file seen at the on level), a LAN device is skipped, and
 * every step is a row in the database.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { vgw } from '../support/vgw-cli.js';
import { wiredBox } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-selftest-'));

describe('vgw test', () => {
  it('records a pass for an input that changes, a failure for one that never does, and pulses the relay', async () => {
    const { config, sysfs, line } = await wiredBox(join(dir, 'a'));
    // The panic button is pressed now and then (the contact closes: the line reads 0); the PIR's NC loop
    // reads open (1: alarm, as an unwired NC input does) and never changes.
    let level = 1;
    const presser = setInterval(() => writeFileSync(join(line(17), 'value'), String((level ^= 1))), 300);
    const relayLevels = new Set<string>();
    // A read racing the CLI's write can see the file empty (truncated, not yet written): not a level.
    const watcher = setInterval(() => relayLevels.add(readFileSync(join(line(27), 'value'), 'utf8').trim() || '1'), 10);
    const r = await vgw(['test', '--config', config, '--non-interactive', '--timeout', '3', '--sysfs-root', sysfs.root, '--lang', 'en']).finally(() => {
      clearInterval(presser);
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
    const db = new Database(join(dir, 'a', 'data', 'gateway.db'), { readonly: true });
    const rows = db.prepare('SELECT device, kind, step, result, ts, detail FROM selftest_results ORDER BY id').all() as { device: string; result: string; ts: number; detail: string }[];
    db.close();
    expect(rows.map((x) => [x.device, x.result])).toEqual([['panic-east-gate', 'pass'], ['pir-market', 'fail'], ['siren-1', 'pass'], ['panic-lan', 'skipped']]);
    expect(rows.every((x) => x.ts > Date.now() - 120_000 && x.detail.length > 0)).toBe(true);
  });

  it('--only tests one device, and says in Chinese what failed and how to fix it', async () => {
    const { config, sysfs } = await wiredBox(join(dir, 'b'));
    const r = await vgw(['test', '--config', config, '--non-interactive', '--timeout', '1', '--only', 'pir-market', '--sysfs-root', sysfs.root, '--lang', 'zh']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('失败 pir-market：1 秒内没有变化（一直是报警）；修复：检查 GPIO 22');
    expect(r.stdout).not.toContain('panic-east-gate：');
    const unknown = await vgw(['test', '--config', config, '--only', 'nope', '--sysfs-root', sysfs.root]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no device "nope" in the config; the ids are: panic-east-gate, pir-market, siren-1, panic-lan');
  });
});

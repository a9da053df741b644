/**
 * Issue 8, finding 20: without systemd-timesyncd's marker file every event said `clock: unsynced`,
 * silently. Sync is now also read from `timedatectl` and `chronyc` (stand-in scripts first on PATH,
 * as test/gpio/support/gpiod-standins.ts does for gpiod), logged at start and on each change, reported
 * as `system.clock.*` events, and `vgw check` says whether the clock is synced and how to fix it.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { detectClockSync } from '../../gateway/clock-sync.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { buildConfig, LogSink } from '../support/gateway-fixture.js';
import { freePort } from '../support/ports.js';
import { vgw } from '../support/vgw-cli.js';

/** `timedatectl` answers what the file `ntp` holds (missing: fails like a box without systemd); `chronyc` prints `leap` as its Leap status (missing: no daemon). */
class TimeStandins {
  readonly root = mkdtempSync(join(tmpdir(), 'vgw-timesync-'));
  readonly bin = join(this.root, 'bin');
  constructor() {
    mkdirSync(this.bin);
    const tool = (name: string, body: string) => {
      writeFileSync(join(this.bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(this.bin, name), 0o755);
    };
    tool('timedatectl', `[ -f "${this.root}/hang" ] && exec /bin/sleep 30\n[ -f "${this.root}/ntp" ] || { echo "System has not been booted with systemd as init system (PID 1)." >&2; exit 1; }\n/bin/cat "${this.root}/ntp"`);
    tool('chronyc', `[ -f "${this.root}/leap" ] || { echo "506 Cannot talk to daemon" >&2; exit 1; }\necho "Reference ID    : C0A80101 (192.168.1.1)"\necho "Leap status     : $(/bin/cat "${this.root}/leap")"`);
  }
  set(file: 'ntp' | 'leap' | 'hang', value: string | null): void {
    if (value === null) rmSync(join(this.root, file), { force: true });
    else writeFileSync(join(this.root, file), `${value}\n`);
  }
  get env(): NodeJS.ProcessEnv {
    return { PATH: this.bin };
  }
}

const NO_MARKER = '/nonexistent/vgw-test/timesync/synchronized';

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('clock sync detection (issue 8, finding 20)', () => {
  it.each([
    ['the marker file', { marker: '/' }, { synced: true, source: 'marker-file' }],
    ['timedatectl NTPSynchronized=yes', { ntp: 'yes' }, { synced: true, source: 'timedatectl', detail: 'timedatectl: NTPSynchronized=yes' }],
    ['chrony synced where timedatectl says no', { ntp: 'no', leap: 'Normal' }, { synced: true, source: 'chronyc', detail: 'chronyc: Leap status Normal' }],
    ['both answering unsynced', { ntp: 'no', leap: 'Not synchronised' }, { synced: false, source: 'timedatectl', detail: `${NO_MARKER} missing; timedatectl: NTPSynchronized=no; chronyc: Leap status Not synchronised` }],
    ['no source at all', {}, { synced: false, source: 'none', detail: `${NO_MARKER} missing; timedatectl: failed; chronyc: failed` }],
  ] as const)('reads %s', async (_name, given, expected) => {
    const t = new TimeStandins();
    if ('ntp' in given) t.set('ntp', given.ntp);
    if ('leap' in given) t.set('leap', given.leap);
    const state = await detectClockSync({ markerFile: 'marker' in given ? given.marker : NO_MARKER, env: t.env });
    expect(state).toMatchObject(expected);
  });

  it('gives up on a tool that hangs, within its time limit', async () => {
    const t = new TimeStandins();
    t.set('hang', '1');
    t.set('leap', 'Normal');
    const started = Date.now();
    const state = await detectClockSync({ markerFile: NO_MARKER, env: t.env, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(state).toMatchObject({ synced: true, source: 'chronyc' });
  });
});

describe('the gateway reports its clock sync state (issue 8, finding 20)', () => {
  let gateway: Gateway | null = null;
  afterEach(async () => {
    await gateway?.stop();
    gateway = null;
  });

  it('logs it at start and on each change, and says it in system.clock.* events', async () => {
    const t = new TimeStandins();
    t.set('leap', 'Not synchronised');
    const raw = await buildConfig({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, dataDir: mkdtempSync(join(tmpdir(), 'vgw-clock-')), gatewayId: '370283104-clock-01', devices: [] });
    raw.gateway.clockSyncedFile = NO_MARKER;
    const logs = new LogSink();
    gateway = createGateway({ config: parseConfig(raw), log: pino({ level: 'info' }, logs), clockSync: { env: t.env, everyMs: 100 } });
    await gateway.start();
    const g = gateway;
    const events = () => (g.db.prepare('SELECT CAST(payload AS TEXT) FROM outbox ORDER BY id').pluck().all() as string[]).map((p) => JSON.parse(p) as { type: string; clock: string; data: Record<string, unknown> });
    const states = () => logs.lines.filter((l) => l.msg === 'clock sync state');

    expect(states()).toEqual([expect.objectContaining({ synced: false, source: 'chronyc', component: 'clock' })]);
    expect(events().map((e) => [e.type, e.clock])).toEqual([['system.started', 'unsynced'], ['system.clock.unsynced', 'unsynced']]);
    expect(events()[1]?.data).toEqual({ source: 'chronyc' });

    t.set('leap', 'Normal');
    await until('a system.clock.synced event', () => events().some((e) => e.type === 'system.clock.synced'));
    expect(states().map((l) => [l.synced, l.source])).toEqual([[false, 'chronyc'], [true, 'chronyc']]);
    expect(events().at(-1)).toMatchObject({ type: 'system.clock.synced', clock: 'synced', data: { source: 'chronyc' } });
  }, 30_000);
});

describe('vgw check says whether the clock is synced (issue 8, finding 20)', () => {
  it('names the missing sync and the fix, and passes once chrony has synced', async () => {
    const t = new TimeStandins();
    const dir = mkdtempSync(join(tmpdir(), 'vgw-clock-check-'));
    const raw = await buildConfig({ uplinkUrl: 'mqtt://127.0.0.1:1', dataDir: join(dir, 'data'), gatewayId: '370283104-clock-02', devices: [] });
    raw.gateway.clockSyncedFile = NO_MARKER;
    const file = join(dir, 'vgw.yaml');
    writeFileSync(file, stringify(raw));

    const none = await vgw(['check', '--offline', '--config', file], { env: t.env });
    expect(none.stdout).toContain(`PROBLEM clock: not NTP-synced (${NO_MARKER} missing; timedatectl: failed; chronyc: failed), so every event says clock: unsynced; fix: no time sync service answered: enable one (sudo timedatectl set-ntp true for systemd-timesyncd, or sudo apt-get install chrony), or set gateway.clockSyncedFile`);
    expect(none.code).toBe(1);

    t.set('ntp', 'no');
    const waiting = await vgw(['check', '--offline', '--config', file], { env: t.env });
    expect(waiting.stdout).toContain('fix: the NTP client has not synced yet: check that the box reaches its NTP servers (UDP 123');
    expect(waiting.code).toBe(1);

    t.set('leap', 'Normal');
    const synced = await vgw(['check', '--offline', '--config', file], { env: t.env });
    expect(synced.stdout).toContain('clock OK: synced (chronyc: Leap status Normal)');
    expect(synced.code).toBe(0);
  }, 60_000);
});

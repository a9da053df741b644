/**
 * The door-access commands exactly as README.md shows them (paths and the `$S` flags swapped for this
 * test's): `vgw access log` searching the records of a running gateway (read-only, beside it), and
 * `vgw send access-sync` / `vgw send unlock` through a real Mosquitto to that gateway.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { ROOT, STACK_LINE, vgw } from '../support/vgw-cli.js';
import { ADMIN, admin, FakeClock, ReaderClient, run, signed, startAccessGateway, waitFor, type AccessGateway } from './support/access-gateway.js';
import { unlocks } from './support/test-door.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** README lines that run `npm run vgw -- <prefix> ...`, as argument lists (double quotes kept together). */
function readmeCommands(prefix: string): string[][] {
  return README.split('\n')
    .filter((l) => l.startsWith(`npm run vgw -- ${prefix}`))
    .map((l) => [...l.slice('npm run vgw -- '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string)));
}

describe.runIf(requireTools('mosquitto'))('door access commands as the README shows them', () => {
  const broker = new Mosquitto();
  const clock = new FakeClock(new Date(2026, 11, 1, 10, 0).getTime());
  let a: AccessGateway;
  let reader: ReaderClient;
  let cliConfig: string;

  beforeAll(async () => {
    await broker.start();
    a = await startAccessGateway({ gatewayId: '370283104-xiejiayu-01', uplinkUrl: broker.url, clock });
    await waitFor(() => a.gateway.inspect().commandsReady, 15_000, 'the gateway online');
    const persons = [{ id: 'p-0001', kind: 'resident', doors: ['east-gate'], credentials: [{ method: 'card', value: '6154410' }] }];
    expect(await run(a.gateway, signed(a.gatewayId, 'access.sync', { mode: 'full', version: 1, persons }, ADMIN, { now: clock.ms }))).toMatchObject({ status: 'done' });
    reader = await ReaderClient.connect(a.gateway.localPort, 'reader-east');
    // Two swipes on the morning of 2026-12-01, then two now.
    await reader.present({ method: 'card', value: '6154410' });
    clock.ms += 60_000;
    await reader.present({ method: 'card', value: '9999999' });
    clock.ms = Date.now();
    await reader.present({ method: 'card', value: '6154410' });
    await reader.present({ method: 'card', value: '6154410' });
    // What `vgw access log` reads of the config is gateway.dataDir (the test's door kind is not the CLI's).
    cliConfig = join(a.dataDir, 'cli.yaml');
    writeFileSync(cliConfig, stringify({ gateway: { id: a.gatewayId, township: '370283104', dataDir: a.dataDir }, uplink: { url: broker.url } }));
  });
  afterAll(async () => {
    await reader?.close();
    await a?.gateway.stop();
    await broker.stop();
  });

  const asWritten = (args: string[], swaps: Record<string, string>) => args.map((x) => swaps[x] ?? x);

  it('access log: by person over the last 7 days, while the gateway runs', async () => {
    const [byPerson] = readmeCommands('access log --config /etc/vgw/vgw.yaml --person');
    expect(byPerson).toBeDefined();
    const r = await vgw(asWritten(byPerson as string[], { '/etc/vgw/vgw.yaml': cliConfig }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^time\s+door\s+reader\s+person\s+credential\s+result$/);
    expect(rows.filter((l) => / reader-east {2}p-0001 {2}card …10 {2}granted 通过$/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(rows.at(-1)).toMatch(/^\d+ records \(\d+ granted, 0 denied\)$/);
    expect(r.stdout).not.toMatch(/6154410|9999999/);
  });

  it('access log: by door and a local time range, as JSON lines', async () => {
    const [byDoor] = readmeCommands('access log --config /etc/vgw/vgw.yaml --door');
    const r = await vgw(asWritten(byDoor as string[], { '/etc/vgw/vgw.yaml': cliConfig }));
    expect(r.code).toBe(0);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const from = new Date(2026, 11, 1).getTime();
    const to = new Date(2026, 11, 2, 8, 0).getTime();
    expect(records.every((x) => x.door === 'east-gate' && Date.parse(x.ts as string) >= from && Date.parse(x.ts as string) < to)).toBe(true);
    expect(records.slice(0, 2)).toMatchObject([
      { person: 'p-0001', granted: true, method: 'card', last2: '10', reader: 'reader-east', source: 'gateway' },
      { person: null, granted: false, reason: 'unknown', last2: '99' },
    ]);
    expect(r.stdout).not.toMatch(/6154410|9999999/);
  });

  it('access log: a bad time or config is one line naming the flag and the fix', async () => {
    const bad = await vgw(['access', 'log', '--config', cliConfig, '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since "yesterday" is not a time: use a local date 2026-12-01/);
    const swapped = await vgw(['access', 'log', '--config', cliConfig, '--since', '2026-12-02', '--until', '2026-12-01']);
    expect(swapped.stderr).toMatch(/--until must be later than --since/);
    const nowhere = await vgw(['access', 'log', '--config', join(a.dataDir, 'missing.yaml')]);
    expect(nowhere.stderr).toMatch(/cannot read config file/);
    for (const x of [bad, swapped, nowhere]) expect(x.stderr).not.toMatch(STACK_LINE);
  });

  it('send access-sync and send unlock reach the gateway and print its done', async () => {
    const keyFile = join(a.dataDir, 'ops-admin.key');
    writeFileSync(keyFile, admin.privatePem, { mode: 0o600 });
    const whitelist = join(a.dataDir, 'whitelist.json');
    writeFileSync(whitelist, JSON.stringify({ mode: 'delta', baseVersion: 1, version: 2, persons: [{ id: 'p-0002', kind: 'staff', doors: ['*'], credentials: [{ method: 'pin', value: '804217' }] }] }));
    const S = ['--broker', broker.url, '--township', '370283104', '--key', keyFile, '--kid', 'ops-admin'];
    const lines = [...readmeCommands('send access-sync'), ...readmeCommands('send unlock')];
    expect(lines).toHaveLength(2);
    const before = unlocks.length;
    for (const line of lines) {
      const args = line.flatMap((x) => (x === '$S' ? S : [x === 'whitelist.json' ? whitelist : x]));
      const r = await vgw([...args, '--timeout', '15']);
      expect(r.stdout, r.stderr).toMatch(/^370283104-xiejiayu-01 {2}done 已完成$/m);
      expect(r.code).toBe(0);
    }
    expect(unlocks.slice(before)).toEqual([expect.objectContaining({ door: 'east-gate', seconds: 5, by: 'remote' })]);
    expect((await reader.present({ method: 'pin', value: '804217' })).action).toBe('grant');
  });
});

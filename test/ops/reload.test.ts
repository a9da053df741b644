/**
 * Issue 13 item 4 and issue 12 item 7, on a real daemon (`vgw run` as a child) and a real Mosquitto:
 * `vgw reload` adds a device and removes another while a third keeps publishing, with no reconnect
 * (the township sees one birth) and no event lost; a broken file sent by SIGHUP is refused, reported
 * as `system.config.refused`, and the old config keeps running; `vgw status` with and without the
 * daemon, in both languages.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { deviceClient } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { vgw } from '../support/vgw-cli.js';

const DEVICES = [
  { id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' },
  { id: 'door-west', password: 'door-secret-22', category: 'door' },
];

describe.runIf(requireTools('mosquitto'))('config reload and vgw status on a running daemon', () => {
  const broker = new Mosquitto({ persistence: true });
  let gw: GatewayProcess;
  let probe: TownshipProbe;
  let panic: MqttClient;
  let panicClosed = 0;
  const births = () => probe.json('status').filter((m) => m.body.online === true).length;
  const writeConfig = (change: (c: Record<string, any>) => void): void => {
    const c = parse(readFileSync(gw.configFile, 'utf8')) as Record<string, any>;
    change(c);
    writeFileSync(gw.configFile, stringify(c));
  };

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-reload');
    gw = await GatewayProcess.prepare({ uplinkUrl: broker.url, devices: DEVICES });
    await gw.start();
    await probe.waitFor(() => births() === 1, 15_000, 'the birth');
    panic = await deviceClient(gw.localPort, 'panic-east-gate', 'panic-secret-1');
    panic.on('close', () => panicClosed++);
  });
  afterAll(async () => {
    await panic?.endAsync(true);
    await gw?.stop();
    await probe?.close();
    await broker.stop();
  });

  it('vgw status shows the running daemon: uplink, devices, last events, in English and Chinese', async () => {
    await panic.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed', n: -1 }), { qos: 1 });
    const en = await vgw(['status', '--config', gw.configFile, '--lang', 'en']);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain(gw.gatewayId);
    expect(en.stdout).toMatch(/Uplink\s+connected, since/);
    expect(en.stdout).toMatch(/panic-east-gate\s+mqtt\s+online\s+panic\.pressed \(\d+ s ago\)/);
    expect(en.stdout).toMatch(/door-west\s+mqtt\s+offline\s+none/);
    expect(en.stdout).toMatch(/Last 10 events[\s\S]*panic-east-gate\s+panic\.pressed\s+critical/);
    const zh = await vgw(['status', '--config', gw.configFile], { env: { ...process.env, LANG: 'zh_CN.UTF-8' } });
    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(/上联\s+已连接/);
    expect(zh.stdout).toMatch(/door-west\s+mqtt\s+离线/);
    const json = JSON.parse((await vgw(['status', '--config', gw.configFile, '--json'])).stdout) as { source: string; devices: unknown[] };
    expect(json.source).toBe('daemon');
    expect(json.devices).toHaveLength(2);
    const bad = await vgw(['status', '--config', gw.configFile, '--lang', 'fr']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('use --lang zh or --lang en');
  });

  it('adds a device and removes another without a reconnect or a lost event', async () => {
    const door = await deviceClient(gw.localPort, 'door-west', 'door-secret-22');
    let doorClosed = false;
    door.on('close', () => (doorClosed = true));
    // The panic button keeps publishing through the reload; every acknowledged event must arrive.
    let publishing = true;
    const acked: number[] = [];
    const pump = (async () => {
      for (let n = 0; publishing; n++) {
        await panic.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed', n }), { qos: 1 });
        acked.push(n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const sirenHash = await hashPassword('siren-secret-1');
    writeConfig((c) => {
      c.devices = [c.devices[0], { id: 'siren-new', driver: 'mqtt', category: 'alarm', passwordHash: sirenHash }];
    });
    const r = await vgw(['reload', '--config', gw.configFile, '--lang', 'en']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`(pid ${gw.pid})`);
    expect(r.stdout).toContain('applied the new config: devices +siren-new -door-west');
    await probe.waitFor(() => doorClosed, 10_000, 'the removed device logged out');
    await expect(deviceClient(gw.localPort, 'door-west', 'door-secret-22')).rejects.toThrow(/Bad username or password|Not authorized/i);
    const siren = await deviceClient(gw.localPort, 'siren-new', 'siren-secret-1');
    await siren.publishAsync('dev/siren-new/event', JSON.stringify({ type: 'siren.tested' }), { qos: 1 });
    await siren.endAsync();
    publishing = false;
    await pump;
    expect(acked.length).toBeGreaterThan(10);
    const got = () => new Set(probe.events.filter((e) => e.type === 'panic.pressed').map((e) => e.data.n));
    await probe.waitFor(() => acked.every((n) => got().has(n)) && probe.events.some((e) => e.type === 'siren.tested'), 15_000, 'every acknowledged press and the new device at the township');
    const reloaded = probe.events.find((e) => e.type === 'system.config.reloaded');
    expect(reloaded?.data).toMatchObject({ added: ['siren-new'], removed: ['door-west'], changed: [] });
    expect(births()).toBe(1); // one session: no new birth
    expect(panicClosed).toBe(0); // the unchanged device stayed connected
    expect(gw.output).not.toContain('"msg":"uplink lost"');
  });

  it('refuses a broken file (SIGHUP, as systemd reload sends it) and one changing what a reload cannot apply; the old config keeps running', async () => {
    const good = readFileSync(gw.configFile, 'utf8');
    writeConfig((c) => (c.devices[1].driver = 'no-such-driver'));
    const cli = await vgw(['reload', '--config', gw.configFile]);
    expect(cli.code).toBe(2); // checked before the daemon is bothered
    expect(cli.stderr).toContain('devices[1]');
    process.kill(gw.pid, 'SIGHUP');
    await probe.waitFor(() => probe.events.some((e) => e.type === 'system.config.refused'), 15_000, 'system.config.refused');
    const refused = probe.events.find((e) => e.type === 'system.config.refused');
    expect(refused?.severity).toBe('major');
    expect(String(refused?.data.error)).toContain('devices[1]');
    expect(gw.output).toContain('"msg":"config reload refused; the old config keeps running"');

    writeFileSync(gw.configFile, good);
    writeConfig((c) => (c.uplink.keepaliveSec = 7));
    const fixed = await vgw(['reload', '--config', gw.configFile, '--lang', 'en']);
    expect(fixed.code).toBe(1);
    expect(fixed.stdout).toContain('refused the new config and keeps running the old one: uplink changed');
    // The old config still runs: the device the first reload added still logs in and is heard.
    const siren = await deviceClient(gw.localPort, 'siren-new', 'siren-secret-1');
    await siren.publishAsync('dev/siren-new/event', JSON.stringify({ type: 'siren.tested', n: 2 }), { qos: 1 });
    await siren.endAsync();
    await probe.waitFor(() => probe.events.some((e) => e.type === 'siren.tested' && e.data.n === 2), 10_000, 'the added device after the refusals');
    expect(births()).toBe(1);
    expect(probe.invalid).toEqual([]); // system.config.* match their contract schemas
    writeFileSync(gw.configFile, good);
  });

  it('vgw status without the daemon says so and reads the backlog from the database; vgw reload says there is nothing to reload', async () => {
    await broker.stop();
    for (let n = 0; n < 3; n++) await panic.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed', n: 100 + n }), { qos: 1 });
    await panic.endAsync(true);
    expect(await gw.stop()).toBe(0);
    const r = await vgw(['status', '--config', gw.configFile, '--lang', 'en']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('The gateway daemon is not running');
    expect(r.stdout).toMatch(/Uplink\s+unknown \(daemon not running\)/);
    expect(r.stdout).toMatch(/Backlog\s+\d+ waiting, oldest /);
    expect(r.stdout).toMatch(/Last 10 events \(undelivered events only\)[\s\S]*panic-east-gate\s+panic\.pressed/);
    const zh = await vgw(['status', '--config', gw.configFile, '--lang', 'zh']);
    expect(zh.code).toBe(3);
    expect(zh.stdout).toContain('网关守护进程未运行');
    const reload = await vgw(['reload', '--config', gw.configFile, '--lang', 'en']);
    expect(reload.code).toBe(3);
    expect(reload.stdout).toContain('The gateway is not running');
    await broker.start();
  });
});

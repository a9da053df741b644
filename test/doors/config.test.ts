/** Door and controller config mistakes name the key and the fix (the gateway refuses to start on them). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../gateway/config/load.js';
import { checkBox } from '../../provisioning/commands/box-checks.js';

const base = (devices: Record<string, unknown>[]) => ({
  gateway: { id: '370283104-doors-01', township: '370283104', dataDir: '/tmp/vgw-doors-config' },
  uplink: { url: 'mqtt://127.0.0.1:9', username: '370283104-doors-01' },
  devices,
});
const controller = (extra: Record<string, unknown> = {}) => ({ id: 'ctl-east', driver: 'uhppote', serial: 423187757, address: '192.168.1.100', listener: { address: '192.168.1.2' }, doors: [{ number: 1, device: 'gate-east' }], ...extra });
const door = (extra: Record<string, unknown> = {}) => ({ id: 'gate-east', driver: 'uhppote-door', controller: 'ctl-east', ...extra });
const problems = (devices: Record<string, unknown>[]): string => {
  try {
    parseConfig(base(devices), 'config.yaml');
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('door config', () => {
  it('a valid controller with its door parses with its defaults', () => {
    const cfg = parseConfig(base([controller(), door()]), 'config.yaml');
    expect(cfg.devices[0]).toMatchObject({ port: 60000, transport: 'udp', listener: { port: 60001, bind: '0.0.0.0' }, pollSec: 30, category: 'door', doors: [{ number: 1, device: 'gate-east', unlockSec: 5 }] });
    expect(cfg.devices[1]).toMatchObject({ heldOpenSec: 30, category: 'door' });
  });

  it.each([
    ['a door naming no controller', [door({ controller: 'ctl-west' })], /devices\[0\] \(id "gate-east"\)\.controller.*"ctl-west" is not a uhppote controller of this config \(controllers: none yet\); add it or fix the spelling/],
    ['a controller door that is not a uhppote-door', [controller(), { id: 'gate-east', driver: 'relay', pin: 5 }], /doors\.0\.device|doors\[0\]\.device.*must be a device with driver: uhppote-door and controller: ctl-east/],
    ['a door its controller does not list', [controller({ doors: [{ number: 1, device: 'gate-side' }] }), door(), door({ id: 'gate-side' })], /controller "ctl-east" does not list this door; add \{ number: N, device: gate-east \} to its doors/],
    ['two controllers on one listener port', [controller(), door(), controller({ id: 'ctl-west', serial: 1, doors: [{ number: 1, device: 'gate-west' }] }), door({ id: 'gate-west', controller: 'ctl-west' })], /listener port 60001 is already used by another controller; give each controller its own/],
    ['a time zone that does not exist', [controller({ timeZone: 'Asia/Beijing' }), door()], /timeZone.*an IANA time zone like "Asia\/Shanghai"/],
    ['an address that is not IPv4', [controller({ address: 'door-box.local' }), door()], /address.*an IPv4 address like 192\.168\.1\.100/],
    ['the same door number twice', [controller({ doors: [{ number: 1, device: 'gate-east' }, { number: 1, device: 'gate-side' }] }), door(), door({ id: 'gate-side' })], /door 1 is listed twice/],
    ['a GPIO door using one pin twice', [{ id: 'gate-north', driver: 'door', lockPin: 5, contactPin: 5 }], /contactPin.*GPIO 5 is already the door's lockPin; give each of lockPin, contactPin and rexPin its own pin/],
  ])('%s', (_name, devices, message) => {
    expect(problems(devices as Record<string, unknown>[])).toMatch(message);
  });
});

describe('the README door example', () => {
  it('is a valid config as written', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split('## Doors (门禁)')[1]?.split('\n## ')[0] ?? '';
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, 'a yaml block in the README door section').toBeTruthy();
    const example = parseYaml(block as string) as { devices: Record<string, unknown>[]; reactions: unknown[] };
    const cfg = parseConfig({ ...base(example.devices), reactions: example.reactions }, 'README door example');
    expect(cfg.devices.map((d) => d.driver)).toEqual(['door', 'uhppote', 'uhppote-door', 'uhppote-door', 'relay']);
  });
});

describe('vgw check and doors', () => {
  it("checks that a GPIO door's lock, contact and exit-button pins can be reached", async () => {
    const cfg = parseConfig(base([{ id: 'gate-north', driver: 'door', lockPin: 5, contactPin: 6, rexPin: 13 }]), 'config.yaml');
    const verdicts = await checkBox(cfg, { env: process.env, asoundCards: '/proc/asound/cards' });
    const gpio = verdicts.find((v) => JSON.stringify(v).includes('GPIO'));
    expect(JSON.stringify(gpio)).toMatch(/GPIO 5 \(gate-north\), 6 \(gate-north\), 13 \(gate-north\)/);
  });
});

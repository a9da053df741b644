/**
 * Issue 12, item 2: `vgw device add` keeps the file's comments and order, never writes a clear password
 * (only a salted hash that verifies against the printed one, shown once with a QR code), validates each
 * kind's fields by its own schema, and `list` / `remove` work on the same file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../device-drivers/mqtt/passwords.js';
import { vgw } from '../support/vgw-cli.js';
import { initBox } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-device-'));

describe('vgw device', () => {
  it('adds a LAN device with a generated password: only its hash in the file, comments and order kept', async () => {
    const { config } = await initBox(join(dir, 'a'), { broker: 'mqtt://127.0.0.1:1883' });
    writeFileSync(config, readFileSync(config, 'utf8').replace('devices: []', '# installer note: east gate first\ndevices: []'));
    const before = readFileSync(config, 'utf8');
    const r = await vgw(['device', 'add', 'mqtt', 'panic-lan', 'category=alarm', 'types=[panic.pressed]', '--config', config, '--host', '192.168.1.10']);
    expect(r.code, r.stderr).toBe(0);
    const password = /password: (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(r.stdout).toContain('server:   192.168.1.10:1883');
    expect(r.stdout).toMatch(/[█▀▄]{20}/); // the QR code
    const after = readFileSync(config, 'utf8');
    expect(after).not.toContain(password);
    for (const comment of before.split('\n').filter((l) => l.includes('#'))) expect(after).toContain(comment.split('#')[1]!.trim());
    const keys = (text: string) => Object.keys(parse(text) as object);
    expect(keys(after)).toEqual(keys(before));
    const device = (parse(after) as { devices: { id: string; passwordHash: string }[] }).devices[0]!;
    expect(await verifyPassword(password, device.passwordHash)).toBe(true);
    // Only the hash: a second add of the same id is refused, and password= is never taken from the command line.
    expect((await vgw(['device', 'add', 'mqtt', 'panic-lan', '--config', config])).stderr).toMatch(/a device "panic-lan" is in the config already/);
    const clear = await vgw(['device', 'add', 'mqtt', 'other', 'password=secret123', '--config', config]);
    expect(clear.code).toBe(2);
    expect(readFileSync(config, 'utf8')).not.toContain('secret123');
  });

  it('checks each kind by its schema, adds a missing zone, lists and removes', async () => {
    const { config } = await initBox(join(dir, 'b'), { broker: 'mqtt://127.0.0.1:1883' });
    const add = (...a: string[]) => vgw(['device', 'add', ...a, '--config', config, '--lang', 'en']);
    expect((await add('alarm-input', 'panic-east-gate', 'pin=17', 'zone=east-gate', 'kind=panic', 'location=east gate')).stdout).toContain('zone "east-gate" added to zones');
    expect((await add('relay', 'siren-1', 'pin=27', 'activeLow=true')).code).toBe(0);
    const bad = await add('relay', 'siren-2', 'pin=99');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/devices\[2\] \(id "siren-2"\)\.pin/);
    const unknown = await add('fog-machine', 'x');
    expect(unknown.stderr).toContain('no driver kind "fog-machine"; use one of: mqtt, loudspeaker, ip-speaker, alarm-input, relay');
    const list = await vgw(['device', 'list', '--config', config]);
    expect(list.stdout).toBe('panic-east-gate  alarm-input  pin 17, zone east-gate, location east gate\nsiren-1  relay  pin 27\n');
    const zh = await vgw(['device', 'remove', 'siren-1', '--config', config, '--lang', 'zh']);
    expect(zh.stdout).toContain('已从');
    expect((await vgw(['device', 'list', '--config', config])).stdout).not.toContain('siren-1');
    expect((await vgw(['device', 'remove', 'siren-1', '--config', config])).stderr).toContain('no device "siren-1"');
  });
});

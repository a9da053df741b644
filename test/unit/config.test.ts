/** Bad config of every class is refused with a message naming the key path, the value and the fix. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../gateway/config/load.js';
import { configRefusal } from '../support/config-refusal.js';
import { GatewayError } from '../../gateway/kernel/errors.js';

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
const valid = () => ({
  gateway: { id: '370283104-xiejiayu-01', township: '370283104', dataDir: '/var/lib/vgw' },
  uplink: { url: 'mqtts://township.example:8883', username: '370283104-xiejiayu-01' },
  devices: [{ id: 'panic-east-gate', driver: 'mqtt', passwordHash: HASH, category: 'alarm' }],
});

function problem(mutate: (c: ReturnType<typeof valid> & Record<string, unknown>) => void): string {
  const c = valid() as ReturnType<typeof valid> & Record<string, unknown>;
  mutate(c);
  const err = configRefusal(c);
  expect(err).toBeInstanceOf(GatewayError);
  expect(err.code).toBe('VGW_CONFIG_INVALID');
  return err.message;
}

describe('config validation', () => {
  it('accepts a valid config, fills defaults and freezes it', () => {
    const c = parseConfig(valid());
    expect(c.localBroker.port).toBe(1883);
    expect(c.uplink.protocolVersion).toBe(5);
    expect(c.outbox.maxRows).toBe(500_000);
    expect(Object.isFrozen(c.devices[0])).toBe(true);
  });

  it.each([
    ['missing key', (c: Record<string, unknown>) => delete (c.gateway as Record<string, unknown>).township, /gateway\.township is missing: required/],
    ['bad gateway id', (c: Record<string, unknown>) => ((c.gateway as Record<string, unknown>).id = 'Xiejiayu 01'), /gateway\.id is "Xiejiayu 01": lowercase letters, digits and "-"/],
    ['unknown key (typo)', (c: Record<string, unknown>) => ((c.uplink as Record<string, unknown>).keepalive = 30), /uplink: unknown key "keepalive"/],
    ['wrong type', (c: Record<string, unknown>) => (c.localBroker = { port: '1883' }), /localBroker\.port is "1883"/],
    ['out of range', (c: Record<string, unknown>) => (c.localBroker = { port: 70000 }), /localBroker\.port is 70000/],
    ['plain password instead of hash', (c: Record<string, unknown>) => (((c.devices as Record<string, unknown>[])[0]!).passwordHash = 'hunter2'), /devices\[0\] \(id "[^"]+"\)\.passwordHash is \(hidden\): a hash from `vgw passwd`/],
    ['bad enum', (c: Record<string, unknown>) => (((c.devices as Record<string, unknown>[])[0]!).category = 'alarms'), /devices\[0\] \(id "[^"]+"\)\.category is "alarms": use one of "alarm"/],
    ['duplicate device id', (c: Record<string, unknown>) => (c.devices as unknown[]).push({ ...(c.devices as object[])[0] }), /devices\[1\] \(id "[^"]+"\)\.id .*used twice/],
    ['bad severity', (c: Record<string, unknown>) => (c.severity = { types: { 'panic.pressed': 'urgent' } }), /severity\.types\.panic\.pressed is "urgent": use one of "critical"/],
    ['bad uplink URL', (c: Record<string, unknown>) => ((c.uplink as Record<string, unknown>).url = 'township.example'), /uplink\.url is "township\.example": a URL like mqtts:/],
    ['TLS on a plain URL', (c: Record<string, unknown>) => Object.assign(c.uplink as object, { url: 'mqtt://t:1883', tls: { ca: '/etc/ca.pem' } }), /uplink\.url .*use mqtts/],
    ['operator without roles', (c: Record<string, unknown>) => (c.commands = { operators: [{ kid: 'ops', publicKey: 'x'.repeat(44), roles: [] }] }), /commands\.operators\[0\]\.roles/],
  ])('refuses %s', (_name, mutate, expected) => {
    expect(problem(mutate)).toMatch(expected);
  });

  it('lists every problem at once', () => {
    const message = problem((c) => {
      (c.gateway as Record<string, unknown>).id = 'A';
      (c.uplink as Record<string, unknown>).url = 'nope';
    });
    expect(message).toMatch(/2 problems/);
  });

  it('names the file on unreadable or malformed YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgw-cfg-'));
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read config file .*missing\.yaml.*check the path given with --config/);
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'gateway:\n  id: [unclosed\n');
    expect(() => loadConfigFile(file)).toThrow(/broken\.yaml" is not valid YAML/);
  });
});

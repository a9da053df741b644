/**
 * Issue 8, findings 18 and 14c: an operator key that is not an Ed25519 key is refused at config time,
 * naming the entry; a secret in a config key is never echoed in the error.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateOperatorKey } from '../../gateway/kernel/signing.js';
import { parseConfig } from '../../gateway/config/load.js';
import { configRefusal } from '../support/config-refusal.js';

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
const base = (over: Record<string, unknown> = {}) => ({
  gateway: { id: '370283104-keys-01', township: '370283104', dataDir: '/var/lib/vgw' },
  uplink: { url: 'mqtts://township.example:8883' },
  devices: [{ id: 'door-west', driver: 'mqtt', passwordHash: HASH, category: 'door' }],
  ...over,
});
const errorOf = (raw: unknown): string => configRefusal(raw).message;

describe('operator keys are parsed at config time (finding 18)', () => {
  it.each([
    ['a long word', 'x'.repeat(44)],
    ['a sentence', 'the key of the township office, see the binder'],
    ['a raw key with a character missing', generateOperatorKey().publicRaw.slice(1)],
    ['the private key pasted by mistake', generateOperatorKey().privatePem],
  ])('refuses %s, naming the entry and the fix', (_what, publicKey) => {
    const good = generateOperatorKey();
    const message = errorOf(base({ commands: { operators: [{ kid: 'ops-a', publicKey: good.publicRaw, roles: ['door'] }, { kid: 'ops-b', publicKey, roles: ['door'] }] } }));
    expect(message).toMatch(/commands\.operators\[1\]\.publicKey .*not an Ed25519 public key.*paste the .*vgw keygen/);
    expect(message).not.toMatch(/operators\[0\]/);
  });

  it('refuses a PEM key of another type (EC)', () => {
    const ecPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(errorOf(base({ commands: { operators: [{ kid: 'ops-ec', publicKey: ecPem, roles: ['admin'] }] } }))).toMatch(/commands\.operators\[0\]\.publicKey .*not an Ed25519 public key \(a ec key\)/);
  });

  it('accepts the PEM and the raw form that vgw keygen prints', () => {
    const k = generateOperatorKey();
    expect(() => parseConfig(base({ commands: { operators: [{ kid: 'a', publicKey: k.publicRaw, roles: ['door'] }, { kid: 'b', publicKey: k.publicPem, roles: ['arm'] }] } }))).not.toThrow();
  });
});

describe('config errors never echo secrets (finding 14c)', () => {
  it.each([
    ['a plain password in passwordHash', { devices: [{ id: 'door-west', driver: 'mqtt', passwordHash: 'hunter2-Geheim', category: 'door' }] }, /devices\[0\] \(id "door-west"\)\.passwordHash is \(hidden\): a hash from `vgw passwd`/],
    ['a password key where none belongs', { uplink: { url: 'mqtts://township.example:8883', password: 'hunter2-Geheim' } }, /uplink: unknown key "password"/],
    ['a secret of the wrong type', { uplink: { url: 'mqtts://township.example:8883', passwordFile: 12345 }, devices: [{ id: 'door-west', driver: 'mqtt', passwordHash: HASH, pin: 'hunter2-Geheim' }] }, /unknown key "pin"/],
  ])('%s', (_what, over, expected) => {
    const message = errorOf(base(over));
    expect(message).toMatch(expected);
    expect(message).not.toContain('hunter2');
  });

  it('hides secrets inside an entry that is shown whole', () => {
    const message = errorOf(base({ devices: { passwordHash: 'hunter2-Geheim', id: 'door-west', driver: 'mqtt' } })); // a map, not a list
    expect(message).toMatch(/devices is \{"passwordHash":"\(hidden\)","id":"door-west"/);
    expect(message).not.toContain('hunter2');
  });

  it('hides the value of every key named like a secret', () => {
    const message = errorOf(base({ devices: [{ id: 'door-west', driver: 'mqtt', passwordHash: ['hunter2-Geheim'], category: 'door' }] }));
    expect(message).toMatch(/devices\[0\] \(id "door-west"\)\.passwordHash is \(hidden\)/);
    expect(message).not.toContain('hunter2');
  });
});

/** Loudspeaker and broadcast config: defaults filled in, and bad values refused naming the key. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/config/load.js';
import { configRefusal } from '../support/config-refusal.js';

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
const config = (devices: object[], extra: object = {}) => ({
  gateway: { id: '370283104-xiejiayu-01', township: '370283104', dataDir: '/var/lib/vgw' },
  uplink: { url: 'mqtts://township.example:8883' },
  devices,
  ...extra,
});
const refusal = (raw: object): string => configRefusal(raw).message;

describe('loudspeaker config', () => {
  it('fills the defaults of a loudspeaker and of broadcast', () => {
    const c = parseConfig(config([{ id: 'speaker-main', driver: 'loudspeaker' }]));
    expect(c.devices[0]).toMatchObject({ pcm: 'default', mixer: { card: '0', control: 'PCM' }, volume: 80, amplifier: { warmUpMs: 1500, idleOffSec: 60 } });
    expect(c.broadcast).toMatchObject({ chime: 'chime', voice: 'auto', downloadTimeoutSec: 60, downloadMaxBytes: 20 * 1024 * 1024 });
  });

  it.each([
    ['volume out of range', config([{ id: 'speaker-main', driver: 'loudspeaker', volume: 150 }]), /devices\[0\] \(id "[^"]+"\)\.volume is 150/],
    ['a misspelt mixer key', config([{ id: 'speaker-main', driver: 'loudspeaker', mixer: { card: '1', contol: 'Headphone' } }]), /devices\[0\] \(id "[^"]+"\)\.mixer: unknown key "contol"/],
    ['an amplifier relay that is not a relay device', config([{ id: 'speaker-main', driver: 'loudspeaker', amplifier: { relay: 'amp-power' } }]), /devices\[0\] \(id "[^"]+"\)\.amplifier\.relay .*no relay device "amp-power"/],
    ['an IP speaker without its LAN login', config([{ id: 'speaker-square', driver: 'ip-speaker', via: 'ipspk-square' }]), /devices\[0\] \(id "[^"]+"\)\.via .*no mqtt device "ipspk-square"/],
    ['a download cap below 1 KiB', config([], { broadcast: { downloadMaxBytes: 10 } }), /broadcast\.downloadMaxBytes is 10/],
    ['an unknown broadcast key', config([], { broadcast: { chimes: 'ding' } }), /broadcast: unknown key "chimes"/],
  ])('refuses %s, naming the key', (_what, raw, message) => {
    expect(refusal(raw)).toMatch(message);
  });

  it('accepts an IP speaker whose module logs in as an mqtt device', () => {
    const c = parseConfig(config([{ id: 'ipspk-square', driver: 'mqtt', passwordHash: HASH }, { id: 'speaker-square', driver: 'ip-speaker', via: 'ipspk-square' }]));
    expect(c.devices[1]).toMatchObject({ driver: 'ip-speaker', via: 'ipspk-square', volume: 80 });
  });
});

/** GPIO devices, zones and reactions in the config: defaults by kind, and bad wiring refused by key. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/config/load.js';
import { configRefusal } from '../support/config-refusal.js';

const valid = () => ({
  gateway: { id: '370283104-xiejiayu-01', township: '370283104', dataDir: '/var/lib/vgw' },
  uplink: { url: 'mqtts://township.example:8883' },
  zones: [{ name: 'east-gate', schedule: ['22:00-06:00'] }, { name: 'market' }],
  devices: [
    { id: 'panic-east-gate', driver: 'alarm-input', zone: 'east-gate', pin: 17, kind: 'panic' },
    { id: 'pir-market', driver: 'alarm-input', zone: 'market', pin: 22, kind: 'pir', contact: 'NC' },
    { id: 'siren-1', driver: 'relay', pin: 27, activeLow: true, maxOnSec: 180 },
  ] as Record<string, unknown>[],
  reactions: [
    { name: 'panic-siren', when: { input: 'panic' }, do: { device: 'siren-1', action: 'pulse', seconds: 60 } },
    { name: 'armed-siren', when: { armed: true, zone: 'market' }, do: { device: 'siren-1', action: 'pulse', seconds: 30 } },
  ] as Record<string, unknown>[],
});
type Raw = ReturnType<typeof valid>;

function problem(mutate: (c: Raw) => void): string {
  const c = valid();
  mutate(c);
  const err = configRefusal(c);
  expect(err.code).toBe('VGW_CONFIG_INVALID');
  return err.message;
}

describe('GPIO config', () => {
  it('fills defaults by kind: panic is 24h and critical, a PIR armable with a cut-wire time on NC', () => {
    const c = parseConfig(valid());
    const [panic, pir, siren] = c.devices as unknown as Record<string, unknown>[];
    expect(panic).toMatchObject({ category: 'alarm', mode: '24h', contact: 'NO', activeLow: true, debounceMs: 50, cutAfterSec: null, severity: { types: { 'alarm.triggered': 'critical', 'alarm.restored': 'info' } } });
    expect(pir).toMatchObject({ mode: 'armable', cutAfterSec: 60, severity: { types: { 'alarm.triggered': 'major' } } });
    expect(siren).toMatchObject({ category: 'device', maxOnSec: 180, severity: { types: { 'relay.forced-off': 'minor' } } });
    expect(c.reactions[0]).toMatchObject({ when: { type: 'alarm.triggered', input: 'panic' } });
    const own = valid();
    own.devices[0]!.severity = { types: { 'alarm.triggered': 'major' } };
    expect((parseConfig(own).devices[0] as unknown as { severity: { types: Record<string, string> } }).severity.types['alarm.triggered']).toBe('major');
  });

  it.each([
    ['a pin used twice', (c: Raw) => (c.devices[2]!.pin = 17), /devices\[2\] \(id "[^"]+"\)\.pin is 17: GPIO 17 is also used by devices\[0\] \("panic-east-gate"\); every input and relay needs its own pin/],
    ['an unknown zone in a reaction', (c: Raw) => (c.reactions[1]!.when = { zone: 'markt' }), /reactions\[1\]\.when\.zone is "markt": zone "markt" is not under zones \("east-gate", "market"\); add it there or fix the spelling/],
    ['a schedule that does not parse', (c: Raw) => (c.zones[0]!.schedule = ['22:00-6']), /zones\[0\]\.schedule\[0\] is "22:00-6": a daily window "HH:MM-HH:MM" in 24-hour local time/],
    ['an empty schedule window', (c: Raw) => (c.zones[0]!.schedule = ['06:00-06:00']), /zones\[0\]\.schedule\[0\] is "06:00-06:00"/],
    ['an input in an undeclared zone', (c: Raw) => (c.devices[0]!.zone = 'west-gate'), /devices\[0\] \(id "[^"]+"\)\.zone is "west-gate": zone "west-gate" is not under zones/],
    ['a reaction on an unknown device', (c: Raw) => (c.reactions[0]!.do = { device: 'siren-9', action: 'on' }), /reactions\[0\]\.do\.device is "siren-9": no device "siren-9" under devices/],
    ['a reaction acting on an input', (c: Raw) => (c.reactions[0]!.do = { device: 'pir-market', action: 'on' }), /reactions\[0\]\.do\.device .*is an alarm input, which takes no actions/],
    ['a pulse without its length', (c: Raw) => (c.reactions[0]!.do = { device: 'siren-1', action: 'pulse' }), /reactions\[0\]\.do\.seconds is missing: a pulse needs its length in seconds/],
    ['an entry delay on a 24h input', (c: Raw) => (c.devices[0]!.entryDelaySec = 20), /devices\[0\] \(id "[^"]+"\)\.entryDelaySec is 20: a 24h input alarms at once/],
    ['a cut-wire time on an NO contact', (c: Raw) => Object.assign(c.devices[1]!, { contact: 'NO', cutAfterSec: 30 }), /devices\[1\] \(id "[^"]+"\)\.cutAfterSec is 30: a cut wire only shows on an NC loop/],
    ['an unknown input kind', (c: Raw) => (c.devices[0]!.kind = 'smoke'), /devices\[0\] \(id "[^"]+"\)\.kind is "smoke": use one of "panic", "door-contact"/],
    ['a zone listed twice', (c: Raw) => c.zones.push({ name: 'market' }), /zones\[2\]\.name is "market": zone "market" is listed twice/],
  ])('refuses %s, naming the key', (_name, mutate, expected) => {
    expect(problem(mutate)).toMatch(expected);
  });
});

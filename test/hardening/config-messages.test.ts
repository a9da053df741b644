/**
 * Issue 8, findings 16 and 25: config errors in an installer's words (which key, what was expected,
 * "did you mean", devices named by id), and every timer field bounded to what Node's timers can hold.
 */
import { describe, expect, it } from 'vitest';
import { configRefusal } from '../support/config-refusal.js';
import { defaultModules } from '../../device-drivers/registry.js';
import { configSchema } from '../../gateway/config/schema.js';
import { delayMs, MAX_TIMER_MS, secMs } from '../../gateway/kernel/timers.js';

// Every section in the schema's order: the message must list them all (each issue adds sections).
const TOP_LEVEL_KEYS = Object.keys((configSchema as unknown as { shape: Record<string, unknown> }).shape).join(', ');
// Every registered kind, in registry order (new kinds join the list without editing this test).
const KINDS = defaultModules.map((m) => `"${m.kind}"`).join(', ');

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
type Raw = Record<string, unknown> & { uplink: Record<string, unknown>; devices: Record<string, unknown>[] };
const valid = (): Raw => ({
  gateway: { id: '370283104-xiejiayu-01', township: '370283104', dataDir: '/var/lib/vgw' },
  uplink: { url: 'mqtts://township.example:8883' },
  zones: [{ name: 'market' }],
  devices: [
    { id: 'panic-east-gate', driver: 'mqtt', passwordHash: HASH },
    { id: 'siren-1', driver: 'relay', pin: 22 },
    { id: 'pir-market', driver: 'alarm-input', kind: 'pir', zone: 'market', pin: 17 },
  ],
});

/** The problem lines of the refusal, without the header line. */
function problems(mutate: (c: Raw) => void): string[] {
  const c = valid();
  mutate(c);
  return configRefusal(c).message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('config error messages (issue 8, finding 25)', () => {
  it.each([
    ['a misspelt top-level key', (c: Raw) => (c.zone = []), `(top level): unknown key "zone" (did you mean "zones"?); fix the spelling or remove it; keys allowed here: ${TOP_LEVEL_KEYS}`],
    ['a misspelt uplink key', (c: Raw) => (c.uplink.keepalive = 30), 'uplink: unknown key "keepalive" (did you mean "keepaliveSec"?); fix the spelling or remove it; keys allowed here: url, protocolVersion, username, passwordFile, tls, keepaliveSec, backoffInitialMs, backoffMaxMs, inflightWindow, metricsIntervalSec'],
    ['a misspelt key of a device, by its driver', (c: Raw) => (c.devices[2]!.debounce = 20), 'devices[2] (id "pir-market"): unknown key "debounce" (did you mean "debounceMs"?); fix the spelling or remove it; keys allowed here: id, category, severity, zone, location, driver, pin, kind, contact, activeLow, debounceMs, mode, entryDelaySec, restore, cutAfterSec, chatter'],
    ['a number in quotes', (c: Raw) => (c.localBroker = { port: '1883' }), 'localBroker.port is "1883": expected a number, not a string; write it without quotes'],
    ['a pin given as text, named by device id', (c: Raw) => (c.devices[2]!.pin = 'GPIO17'), 'devices[2] (id "pir-market").pin is "GPIO17": expected a number, not a string'],
    ['a misspelt driver', (c: Raw) => (c.devices[1]!.driver = 'relays'), `devices[1] (id "siren-1").driver is "relays": use one of ${KINDS} (did you mean "relay"?)`],
    ['a missing driver', (c: Raw) => delete c.devices[1]!.driver, `devices[1] (id "siren-1").driver is missing: required, use one of ${KINDS}`],
    ['devices as a map', (c: Raw) => (c.devices = {} as never), 'devices is {}: expected a list ("- item" lines), not a map of keys'],
    ['a number below its minimum', (c: Raw) => (c.localBroker = { maxPayloadBytes: 1 }), 'localBroker.maxPayloadBytes is 1: must be at least 64'],
    ['a protocol version that does not exist', (c: Raw) => (c.uplink.protocolVersion = 3), 'uplink.protocolVersion is 3: use one of 4, 5'],
    ['a missing key', (c: Raw) => delete (c.gateway as Record<string, unknown>).dataDir, 'gateway.dataDir is missing: required (text)'],
  ])('%s', (_name, mutate, expected) => {
    expect(problems(mutate)).toEqual([expected]);
  });

  it('never points to `vgw init`, which does not exist', () => {
    expect(problems((c) => (c.uplink.keepalive = 30)).join('\n')).not.toMatch(/vgw init/);
  });
});

describe('timer fields are bounded (issue 8, finding 16)', () => {
  it.each([
    ['uplink.backoffMaxMs', (c: Raw) => Object.assign(c.uplink, { backoffInitialMs: 1000, backoffMaxMs: 3e9 }), 'uplink.backoffMaxMs is 3000000000: must be at most 2147483647 ms (2^31-1, the longest timer Node can run, about 24.8 days)'],
    ['uplink.backoffInitialMs', (c: Raw) => Object.assign(c.uplink, { backoffInitialMs: 3e9 }), 'uplink.backoffInitialMs is 3000000000: must be at most 2147483647 ms (2^31-1, the longest timer Node can run, about 24.8 days)'],
    ['uplink.metricsIntervalSec', (c: Raw) => (c.uplink.metricsIntervalSec = 3e6), 'uplink.metricsIntervalSec is 3000000: must be at most 86400'],
    ['commands.maxLifetimeSec', (c: Raw) => (c.commands = { maxLifetimeSec: 3e9 }), 'commands.maxLifetimeSec is 3000000000: must be at most 2592000'],
    ['a relay maxOnSec', (c: Raw) => (c.devices[1]!.maxOnSec = 3e6), 'devices[1] (id "siren-1").maxOnSec is 3000000: must be at most 86400'],
    ['an input cutAfterSec', (c: Raw) => Object.assign(c.devices[2]!, { contact: 'NC', cutAfterSec: 3e6 }), 'devices[2] (id "pir-market").cutAfterSec is 3000000: must be at most 86400'],
    ['an input debounceMs', (c: Raw) => (c.devices[2]!.debounceMs = 3e9), 'devices[2] (id "pir-market").debounceMs is 3000000000: must be at most 10000'],
    ['a reaction pulse', (c: Raw) => (c.reactions = [{ name: 'siren', when: { zone: 'market' }, do: { device: 'siren-1', action: 'pulse', seconds: 3e6 } }]), 'reactions[0].do.seconds is 3000000: must be at most 3600'],
  ])('refuses a %s beyond what setTimeout can hold, naming the key and the limit', (_key, mutate, expected) => {
    expect(problems(mutate)[0]).toBe(expected);
  });

  it('the delay helper clamps to 2^31-1 ms and refuses NaN and Infinity', () => {
    expect(delayMs(3e9)).toBe(MAX_TIMER_MS);
    expect(secMs(3e6)).toBe(MAX_TIMER_MS);
    expect(delayMs(-5)).toBe(0);
    expect(delayMs(1.2)).toBe(2);
    expect(() => delayMs(Number.NaN)).toThrow(/finite number of milliseconds, got NaN/);
    expect(() => delayMs(Infinity)).toThrow(/got Infinity/);
    expect(() => secMs(Number.NaN)).toThrow(RangeError);
  });
});

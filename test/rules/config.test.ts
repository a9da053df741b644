/**
 * The `personRules` and `patrol` config keys: every mistake is one line naming the key and the fix,
 * and the weekly windows and start times mean what installers write (across midnight, day ranges that
 * wrap the week, in the gateway's local time).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/config/load.js';
import { WeeklyTimes, WeeklyWindows } from '../../gateway/person-rules/weekly.js';
import { at, HOUR } from './support.js';

const base = {
  gateway: { id: '370283104-cfg-01', township: '370283104', dataDir: '/tmp/vgw-rules-config' },
  uplink: { url: 'mqtt://127.0.0.1:1883', username: '370283104-cfg-01' },
  devices: [{ id: 'reader-1', driver: 'mqtt', passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==' }],
};
const problems = (extra: Record<string, unknown>): string[] => {
  try {
    parseConfig({ ...base, ...extra }, 'vgw.yaml');
  } catch (err) {
    return (err as Error).message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
  }
  return [];
};

describe('personRules and patrol config', () => {
  it('accepts a valid config with defaults filled in', () => {
    const cfg = parseConfig({ ...base, personRules: { rules: [{ name: 'watch', trigger: 'appear', lists: ['watch'] }] }, patrol: { checkpoints: [{ name: 'gate', device: 'reader-1' }], routes: [{ name: 'night', starts: ['22:00'], checkpoints: [{ checkpoint: 'gate', withinMin: 10 }] }] } });
    expect(cfg.personRules).toEqual({ checkEverySec: 60, maxWatchedPersons: 50_000, rules: [{ name: 'watch', trigger: 'appear', lists: ['watch'], severity: 'major', channels: ['record'], cooldownSec: 60 }] });
    expect(cfg.patrol.checkEverySec).toBe(15);
    expect(parseConfig(base).personRules.rules).toEqual([]);
  });

  it('names the key and the fix for each mistake in a rule', () => {
    expect(
      problems({
        personRules: {
          checkEverySec: 99_999,
          rules: [
            { name: 'a', trigger: 'appear', lists: ['watch'], windows: ['22-06'] },
            { name: 'b', trigger: 'stranger', lists: ['x'] },
            { name: 'c', trigger: 'absent', lists: ['elderly'] },
            { name: 'd', trigger: 'apear', lists: ['x'] },
            { name: 'e', trigger: 'appear', lists: ['x'], channels: ['sms'] },
          ],
        },
      }),
    ).toEqual([
      'personRules.checkEverySec is 99999: must be at most 3600 s',
      'personRules.rules[0].windows[0] is "22-06": a window "HH:MM-HH:MM" in 24-hour local time, optionally after days, e.g. "22:00-06:00" or "mon-fri 08:00-18:00"',
      'personRules.rules[1]: unknown key "lists"; fix the spelling or remove it; keys allowed here: name, severity, channels, trigger, devices, windows, cooldownSec',
      'personRules.rules[2].hours is missing: required (a number)',
      'personRules.rules[3].trigger is "apear": use one of "appear", "absent", "stranger" (did you mean "appear"?)',
      expect.stringMatching(/^personRules\.rules\[4\]\.channels\[0\] is "sms": use one of "popup", "record", "push"/),
    ]);
    expect(problems({ personRules: { rules: [{ name: 'a', trigger: 'appear', lists: ['w'], devices: ['reader-2'] }, { name: 'a', trigger: 'stranger' }] } })).toEqual([
      'personRules.rules[0].devices[0] is "reader-2": no device "reader-2" under devices; name a reader, camera or face terminal of this gateway, or drop the key to watch every device',
      'personRules.rules[1].name is "a": rule "a" is listed twice; give each rule its own name',
    ]);
  });

  it('names the key and the fix for each mistake in the patrol', () => {
    expect(
      problems({
        patrol: {
          checkpoints: [{ name: 'p1', device: 'nope' }, { name: 'p1', device: 'reader-1' }],
          routes: [{ name: 'r', starts: ['22:00', '23:00'], checkpoints: [{ checkpoint: 'p1', withinMin: 61 }, { checkpoint: 'p3', withinMin: 1 }] }],
        },
      }),
    ).toEqual([
      'patrol.checkpoints[0].device is "nope": no device "nope" under devices; name the reader or button input at this point',
      'patrol.checkpoints[1].name is "p1": checkpoint "p1" is listed twice; give each its own name',
      'patrol.routes[0].checkpoints[1].checkpoint is "p3": no checkpoint "p3" under patrol.checkpoints ("p1"); add it there or fix the spelling',
      expect.stringMatching(/^patrol\.routes\[0\]\.checkpoints is .*: the route takes up to 62 min but starts again after 60 min; shorten the withinMin times or space the starts further apart$/),
    ]);
    expect(problems({ patrol: { checkpoints: [{ name: 'p', device: 'reader-1', type: 'patrol.checked' }], routes: [{ name: 'r', starts: ['xyz 1:00'], checkpoints: [{ checkpoint: 'p', withinMin: 5 }] }] } })).toEqual([
      'patrol.checkpoints[0].type is "patrol.checked": patrol.* and person.* are the gateway\'s own events; name the event the device sends',
      'patrol.routes[0].starts[0] is "xyz 1:00": a local start time "HH:MM", optionally after days, e.g. "22:00" or "sat,sun 02:00"',
    ]);
  });
});

describe("the README's rules and patrol example", () => {
  it('is a valid config once its LAN devices are added', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Person alert rules and electronic patrol'));
    const block = parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]!) as { devices: object[] };
    const lan = ['face-east-gate', 'reader-east-gate'].map((id) => ({ id, driver: 'mqtt', passwordHash: base.devices[0]!.passwordHash }));
    const cfg = parseConfig({ ...base, ...block, devices: [...lan, ...block.devices] });
    expect(cfg.personRules.rules.map((r) => r.trigger)).toEqual(['appear', 'stranger', 'absent']);
    expect(cfg.patrol.routes[0]!.checkpoints.map((c) => c.checkpoint)).toEqual(['east-gate', 'well', 'east-gate']);
  });
});

describe('weekly windows and start times (local time, Asia/Shanghai)', () => {
  // 2026-11-27 is a Friday, the 28th a Saturday, the 30th a Monday.
  it('a window across midnight belongs to the day it starts on', () => {
    const w = new WeeklyWindows(['fri 22:00-06:00']);
    expect([at(27, 21, 59), at(27, 22), at(28, 3), at(28, 5, 59), at(28, 6), at(28, 22), at(29, 3)].map((t) => w.contains(t))).toEqual([false, true, true, true, false, false, false]);
    expect(new WeeklyWindows([]).contains(at(28, 12))).toBe(true);
    expect(new WeeklyWindows(['sat-mon 08:00-09:00']).contains(at(29, 8, 30))).toBe(true); // wraps the week
    expect(new WeeklyWindows(['sat-mon 08:00-09:00']).contains(at(27, 8, 30))).toBe(false);
    expect(new WeeklyWindows(['mon,wed 00:00-24:00']).contains(at(30, 23, 59))).toBe(true);
  });

  it('finds the latest start and the shortest gap between starts', () => {
    const t = new WeeklyTimes(['22:00', 'sat,sun 02:00']);
    expect(t.latest(at(28, 1, 59))).toBe(at(27, 22));
    expect(t.latest(at(28, 2))).toBe(at(28, 2));
    expect(t.shortestGapMs()).toBe(4 * HOUR);
    expect(new WeeklyTimes(['mon 08:00']).shortestGapMs()).toBe(7 * 24 * HOUR);
  });
});

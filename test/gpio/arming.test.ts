/**
 * Zone arming with an injected clock in a fixed time zone and a real SQLite file: schedules across
 * midnight, commands that hold until the next boundary, and both across restarts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../cloud-bridge/db.js';
import { Arming } from '../../gateway/arming/arming.js';
import { zonesSchema } from '../../gateway/arming/config.js';
import { Schedule } from '../../gateway/arming/schedule.js';
import { ArmingStore } from '../../gateway/arming/store.js';

beforeAll(() => {
  process.env.TZ = 'Asia/Shanghai'; // the gateway's local time; schedules are read in it
});

/** Local time in the gateway's zone: `day` of November 2026, `hh:mm`. */
const at = (day: number, hh: number, mm = 0) => new Date(2026, 10, day, hh, mm).getTime();

describe('Schedule', () => {
  it('a window across midnight is armed from its start to its end the next morning', () => {
    const s = new Schedule(['22:00-06:00']);
    expect([at(23, 21, 59), at(23, 22), at(23, 23, 59), at(24, 0), at(24, 5, 59), at(24, 6), at(24, 12)].map((t) => s.armedAt(t))).toEqual([false, true, true, true, true, false, false]);
    expect(new Date(2026, 10, 23, 22).toISOString()).toBe('2026-11-23T14:00:00.000Z'); // really UTC+8
    expect(s.lastBoundary(at(24, 1))).toBe(at(23, 22));
    expect(s.nextBoundary(at(24, 1))).toBe(at(24, 6));
    expect(s.nextBoundary(at(24, 7))).toBe(at(24, 22));
    expect(new Schedule(['08:00-12:00', '13:00-24:00']).armedAt(at(24, 23, 59))).toBe(true);
  });
});

describe('Arming', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-arming-'));
  const clock = { t: 0, now: () => clock.t, synced: () => true };
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const zones = zonesSchema.parse([{ name: 'market', schedule: ['22:00-06:00'] }, { name: 'school' }]);
  let db: Db | null = null;
  let arming: Arming | null = null;

  const start = async (t: number) => {
    clock.t = t;
    db = openDb(dir);
    arming = new Arming({ zones, store: new ArmingStore(db), clock, emit: async (type, data) => void events.push({ type, data }), log: pino({ level: 'silent' }) });
    await arming.start();
    return arming;
  };
  const restart = async (t: number) => {
    arming?.stop();
    db?.close();
    return start(t);
  };
  const tick = async (t: number) => {
    clock.t = t;
    await (arming as Arming).evaluate();
  };
  const since = (n: number) => events.slice(n).map((e) => `${e.type} ${String(e.data.zone)} by ${String(e.data.by)}`);
  afterEach(() => arming?.stop());

  it('arms at 22:00 and disarms at 06:00, across midnight', async () => {
    const a = await start(at(23, 21));
    expect(a.isArmed('market')).toBe(false);
    await tick(at(23, 21, 59));
    expect(events).toEqual([]);
    await tick(at(23, 22));
    expect(a.isArmed('market')).toBe(true);
    await tick(at(24, 0, 30));
    await tick(at(24, 5, 59));
    expect(a.isArmed('market')).toBe(true);
    await tick(at(24, 6));
    expect(a.isArmed('market')).toBe(false);
    expect(since(0)).toEqual(['zone.armed market by schedule', 'zone.disarmed market by schedule']);
  });

  it('keeps a command until the next boundary, across a restart; applies a boundary passed while off', async () => {
    let a = await restart(at(24, 23));
    expect(a.isArmed('market')).toBe(true); // was off over 22:00: armed at start
    const n = events.length;
    await a.set(['market'], false, { by: 'command', operator: 'duty-officer-wang', commandId: '0193c0e4-1f20-7b7a-8d3e-2a9f6c1b7e05' });
    expect(events.at(-1)).toEqual({ type: 'zone.disarmed', data: { zone: 'market', by: 'command', operator: 'duty-officer-wang', commandId: '0193c0e4-1f20-7b7a-8d3e-2a9f6c1b7e05' } });
    a = await restart(at(24, 23, 30));
    expect(a.isArmed('market')).toBe(false); // the operator's decision is newer than 22:00
    await tick(at(25, 5));
    expect(a.isArmed('market')).toBe(false);
    a = await restart(at(25, 22, 30)); // off from 05:00 to 22:30: 06:00 changes nothing, 22:00 arms
    expect(a.isArmed('market')).toBe(true);
    expect(since(n)).toEqual(['zone.disarmed market by command', 'zone.armed market by schedule']);
  });

  it('remembers a zone without a schedule as the last command left it', async () => {
    let a = await restart(at(26, 9));
    expect(a.isArmed('school')).toBe(false);
    await a.set(['school'], true, { by: 'command', operator: 'ops', commandId: 'c1' });
    a = await restart(at(27, 9));
    expect(a.isArmed('school')).toBe(true);
    const onChange: [string, boolean][] = [];
    a.onChange((zone, armed) => onChange.push([zone, armed]));
    await a.set(['school', 'market'], false, { by: 'command', operator: 'ops', commandId: 'c2' });
    // market was already disarmed: no change and no event, but listeners hear the disarm (it silences).
    expect(onChange).toEqual([['school', false], ['market', false]]);
    expect(since(events.length - 1)).toEqual(['zone.disarmed school by command']);
  });
});

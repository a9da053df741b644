/** The SQLite event archive and `vgw events query` over it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isoLocal } from '../../gateway/kernel/clock.js';
import { queryEvents } from '../../provisioning/township/commands/events.js';
import { ArchiveDb } from '../../provisioning/township/monitor/archive-db.js';
import { parseWhen } from '../../provisioning/township/commands/filter-options.js';
import { envelope } from './envelopes.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-archive-'));
const A = '370283104-xiejiayu-01';
const B = '370283104-dongcun-02';
const T0 = Date.parse('2026-11-23T21:00:00+08:00');
const at = (min: number) => isoLocal(T0 + min * 60_000);

const events = [
  envelope(A, 1, { ts: at(0), category: 'alarm', type: 'panic.pressed', severity: 'critical', device: 'panic-east-gate', data: { zone: '东门' } }),
  envelope(A, 2, { ts: at(10), category: 'door', type: 'door.opened', severity: 'info', device: 'door-west', data: { by: 'card 0042' } }),
  envelope(A, 3, { ts: at(20), category: 'door', type: 'door.forced', severity: 'major', device: 'door-west', data: {} }),
  envelope(B, 1, { ts: at(30), category: 'access', type: 'card.swiped', severity: 'info', device: 'reader-1', data: { card: '50%_off' } }),
  // A Pi without RTC before NTP: its own ts is 1970, so the archive files it under the reception time.
  envelope(B, 2, { ts: '1970-01-01T08:00:07.000+08:00', clock: 'unsynced', category: 'camera', type: 'camera.motion', severity: 'minor', device: 'cam-1', data: {} }),
];

describe('event archive', () => {
  const file = join(dir, 'township.db');
  const second = join(dir, 'second.db');

  beforeAll(() => {
    const db = ArchiveDb.open(file);
    for (const [i, e] of events.entries()) expect(db.store('370283104', e, T0 + 40 * 60_000 + i)).toBe(true);
    // Redeliveries with the same id are ignored, however many times they come.
    for (const e of events) expect(db.store('370283104', { ...e }, T0 + 50 * 60_000)).toBe(false);
    expect(db.count()).toBe(events.length);
    db.close();
    const other = ArchiveDb.open(second);
    other.store('370283104', events[0]!, T0);
    other.store('370283104', envelope(B, 3, { ts: at(35), type: 'card.swiped', category: 'access', data: {} }), T0);
    other.close();
  });

  const run = async (args: Partial<Parameters<typeof queryEvents>[0]>) => {
    const lines: string[] = [];
    await queryEvents({ archive: [file], limit: 100, json: true, ...args }, (l) => lines.push(l));
    return lines.map((l) => JSON.parse(l) as { event: { gateway: string; seq: number } }).map((r) => `${r.event.gateway === A ? 'A' : 'B'}${r.event.seq}`);
  };

  it('keeps each event once and finds them by every filter, oldest first', async () => {
    expect(await run({})).toEqual(['A1', 'A2', 'A3', 'B1', 'B2']);
    expect(await run({ since: T0 + 10 * 60_000, until: T0 + 30 * 60_000 })).toEqual(['A2', 'A3']);
    expect(await run({ gateway: [B] })).toEqual(['B1', 'B2']);
    expect(await run({ device: ['door-west', 'cam-1'] })).toEqual(['A2', 'A3', 'B2']);
    expect(await run({ category: ['alarm', 'camera'] })).toEqual(['A1', 'B2']);
    expect(await run({ severity: 'major' })).toEqual(['A1', 'A3']);
    expect(await run({ type: ['door.*'] })).toEqual(['A2', 'A3']);
    expect(await run({ type: ['card.swiped', 'panic.pressed'] })).toEqual(['A1', 'B1']);
    expect(await run({ text: '东门' })).toEqual(['A1']);
    expect(await run({ text: '50%_' })).toEqual(['B1']);
    expect(await run({ text: '0%' })).toEqual(['B1']);
    expect(await run({ township: '370283999' })).toEqual([]);
    expect(await run({ limit: 2 })).toEqual(['B1', 'B2']);
  });

  it('files an event from an unsynced clock under the time it was received', async () => {
    expect(await run({ since: T0 + 40 * 60_000 })).toEqual(['B2']);
  });

  it('searches several archives as one, listing an event found in both once', async () => {
    expect(await run({ archive: [file, second] })).toEqual(['A1', 'A2', 'A3', 'B1', 'B3', 'B2']);
  });

  it('prints a readable table with a count', async () => {
    const lines: string[] = [];
    await queryEvents({ archive: [file], limit: 2 }, (l) => lines.push(l));
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  info\s+370283104-dongcun-02\s+reader-1\s+card\.swiped\s+#1 \{"card":"50%_off"\}$/);
    expect(lines[1]).toMatch(/~ minor .*camera\.motion/);
    expect(lines[2]).toBe('2 event(s) 条记录 (the newest 2; narrow the search or raise --limit)');
  });

  it('writes CSV a spreadsheet opens: a header, quoted fields where needed', async () => {
    const lines: string[] = [];
    await queryEvents({ archive: [file], limit: 100, format: 'csv', type: ['panic.pressed', 'card.swiped'] }, (l) => lines.push(l));
    expect(lines[0]).toBe('time,clock,township,gateway,seq,device,category,type,severity,id,data');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^2026-11-23T13:00:00\.000Z,synced,370283104,370283104-xiejiayu-01,1,panic-east-gate,alarm,panic\.pressed,critical,[0-9a-f-]{36},"\{""zone"":""东门""\}"$/);
  });

  it('refuses a file that is not an archive', () => {
    expect(() => ArchiveDb.openReadOnly(join(dir, 'missing.db'))).toThrow();
  });
});

describe('times on the command line', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('reads ages, local dates and date-times', () => {
    expect(parseWhen('30m', now)).toBe(now - 30 * 60_000);
    expect(parseWhen('7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseWhen('2026-11-23')).toBe(new Date(2026, 10, 23).getTime());
    expect(parseWhen('2026-11-23T21:40+08:00')).toBe(Date.parse('2026-11-23T13:40:00Z'));
    expect(parseWhen('yesterday')).toBeNull();
  });
});

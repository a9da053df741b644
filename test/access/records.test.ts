/**
 * Issue 10, item 5: entry records are bounded — older than `access.retentionDays` or beyond
 * `access.maxRecords` they are deleted (at start and every `pruneIntervalSec`), oldest first, and
 * what stays is searchable by person, door and time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { searchRecords } from '../../gateway/access/records.js';
import { ADMIN, FakeClock, ReaderClient, run, signed, startAccessGateway, type AccessGateway } from './support/access-gateway.js';

const DAY = 24 * 3600_000;

describe('entry records', () => {
  let a: AccessGateway | null = null;
  afterEach(async () => {
    await a?.gateway.stop();
    a = null;
  });

  it('deletes records past the retention and beyond maxRecords, oldest first, and searches the rest', async () => {
    const clock = new FakeClock(new Date(2026, 5, 1, 9, 0).getTime());
    const access = { retentionDays: 30, maxRecords: 1000 };
    a = await startAccessGateway({ clock, access });
    const persons = [{ id: 'p-1', kind: 'resident', doors: ['east-gate'], credentials: [{ method: 'card', value: '6154410' }] }];
    expect(await run(a.gateway, signed(a.gatewayId, 'access.sync', { mode: 'full', version: 1, persons }, ADMIN, { now: clock.ms }))).toMatchObject({ status: 'done' });
    const reader = await ReaderClient.connect(a.gateway.localPort, 'reader-east');
    for (const dayAgo of [40, 31, 29, 1]) {
      clock.ms = new Date(2026, 5, 1, 9, 0).getTime() + (60 - dayAgo) * DAY;
      await reader.present({ method: 'card', value: dayAgo === 29 ? '1234567' : '6154410' });
    }
    await reader.close();
    // 1,200 more records of a busy gate, the newest, straight into the table.
    const insert = a.gateway.db.prepare("INSERT INTO access_records (ts, door, reader, person, granted, reason, method, hash, last2, direction, source) VALUES (?, 'west-gate', 'reader-west', 'p-2', 1, NULL, 'card', 'h', '00', NULL, 'gateway')");
    const now = clock.ms;
    a.gateway.db.transaction(() => {
      for (let i = 0; i < 1200; i++) insert.run(now - 1000 + i);
    })();
    const { dataDir } = a;
    await a.gateway.stop();
    a = await startAccessGateway({ clock, access, dataDir });
    const db = a.gateway.db;
    const all = searchRecords(db, { limit: 10_000 });
    // maxRecords keeps the newest 1,000: the swipes (older than the busy gate's) went first.
    expect(all).toHaveLength(1000);
    expect(all.every((r) => r.door === 'west-gate')).toBe(true);
    expect(a.logs.lines.some((l) => l.msg === 'access records pruned' && l.deleted === 204)).toBe(true);
  });

  it('keeps what is inside the retention and finds it by person, door and time', async () => {
    const clock = new FakeClock(new Date(2026, 5, 1, 9, 0).getTime());
    const access = { retentionDays: 30 };
    a = await startAccessGateway({ clock, access });
    const persons = [{ id: 'p-1', kind: 'resident', doors: ['east-gate'], credentials: [{ method: 'card', value: '6154410' }] }];
    await run(a.gateway, signed(a.gatewayId, 'access.sync', { mode: 'full', version: 1, persons }, ADMIN, { now: clock.ms }));
    const reader = await ReaderClient.connect(a.gateway.localPort, 'reader-east');
    const start = clock.ms;
    for (const day of [0, 10, 25, 35]) {
      clock.ms = start + day * DAY;
      await reader.present({ method: 'card', value: day === 25 ? '1234567' : '6154410' });
    }
    await reader.close();
    const { dataDir } = a;
    await a.gateway.stop();
    a = await startAccessGateway({ clock, access, dataDir });
    const db = a.gateway.db;
    // Day 0 is 35 days old now: gone. Days 10, 25, 35 stay.
    expect(searchRecords(db, { limit: 100 }).map((r) => Math.round((r.ts - start) / DAY))).toEqual([10, 25, 35]);
    expect(searchRecords(db, { person: 'p-1', limit: 100 }).map((r) => Math.round((r.ts - start) / DAY))).toEqual([10, 35]);
    expect(searchRecords(db, { door: 'east-gate', since: start + 20 * DAY, until: start + 30 * DAY, limit: 100 })).toMatchObject([{ granted: false, reason: 'unknown', person: null }]);
    expect(searchRecords(db, { door: 'west-gate', limit: 100 })).toEqual([]);
    expect(searchRecords(db, { limit: 1 }).map((r) => Math.round((r.ts - start) / DAY))).toEqual([35]);
  });
});

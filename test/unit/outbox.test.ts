/** The outbox on a real SQLite file: group commit, drain order, ack, eviction reports, ids never reused. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../cloud-bridge/db.js';
import type { EvictionSummary } from '../../cloud-bridge/eviction.js';
import { Outbox, type OutboxItem } from '../../cloud-bridge/outbox.js';

const log = pino({ level: 'silent' });

function setup(limits = { maxRows: 1000, maxBytes: 10_000_000 }, dir = mkdtempSync(join(tmpdir(), 'vgw-outbox-'))) {
  const db = openDb(dir);
  const reports: EvictionSummary[] = [];
  const outbox = new Outbox(db, limits, (seq, summary) => {
    reports.push(summary);
    return { topic: 'evicted', payload: Buffer.from(JSON.stringify({ seq, ...summary })) };
  }, log);
  outbox.start();
  return { db, outbox, reports, dir };
}

const event = (prio: number, body = 'x'): OutboxItem => ({ kind: 'event', prio, topic: `t/${prio}`, qos: 1, retain: false, payload: (seq) => Buffer.from(JSON.stringify({ seq, body })) });
const seqOf = (p: Buffer) => (JSON.parse(p.toString()) as { seq: number }).seq;
const commits = (db: Db) => db.prepare("SELECT value FROM counters WHERE name='seq'").pluck().get() as number;

describe('outbox', () => {
  it('commits everything added in one turn together and resolves after the commit', async () => {
    const { db, outbox } = setup();
    const added = Array.from({ length: 10 }, () => outbox.add(event(3)));
    expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(0); // nothing before the turn ends
    const seqs = await Promise.all(added);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(10);
    expect(commits(db)).toBe(10);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('pages in severity order, then creation order, and skips acknowledged rows', async () => {
    const { outbox } = setup();
    await Promise.all([event(3), event(0), event(2), event(0), event(1)].map((e) => outbox.add(e)));
    const rows = outbox.page(0, 0, 10);
    expect(rows.map((r) => [r.prio, seqOf(r.payload)])).toEqual([[0, 2], [0, 4], [1, 5], [2, 3], [3, 1]]);
    outbox.ack(rows[0]!.id, rows[0]!.payload.length);
    expect(outbox.page(0, 0, 10)).toHaveLength(4); // acked but not yet deleted is not handed out again
    outbox.flushAcks();
    expect(outbox.depth).toBe(4);
    expect(outbox.page(rows[2]!.prio, rows[2]!.id, 10).map((r) => seqOf(r.payload))).toEqual([3, 1]);
  });

  it('never reuses row ids or seqs after the table empties, across reopen', async () => {
    const first = setup();
    await Promise.all([first.outbox.add(event(3)), first.outbox.add(event(3))]);
    for (const r of first.outbox.page(0, 0, 10)) first.outbox.ack(r.id, r.payload.length);
    first.outbox.flushAcks();
    expect(first.outbox.depth).toBe(0);
    first.db.close();
    const again = setup(undefined, first.dir);
    expect(await again.outbox.add(event(3))).toBe(3);
    expect(again.outbox.page(0, 0, 10)[0]!.id).toBe(3); // AUTOINCREMENT: a cursor at id 2 still sees it
  });

  it('evicts lowest severity oldest first, reports counts and seq ranges in the same commit, keeps criticals', async () => {
    const { outbox, reports } = setup({ maxRows: 100, maxBytes: 10_000_000 });
    // seq 1..60 alternate critical / info, then 61..110 minor.
    for (let i = 0; i < 60; i++) void outbox.add(event(i % 2 === 0 ? 0 : 3));
    await outbox.add(event(2));
    const rest = Array.from({ length: 49 }, () => outbox.add(event(2)));
    await Promise.all(rest);
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    // 110 rows > 100: down to 95 means 15 evicted, all info (the oldest info ones: seq 2, 4, ..., 30).
    expect(r.count).toBe(15);
    expect(r.bySeverity).toEqual({ info: 15 });
    expect(r.ranges).toEqual(Array.from({ length: 15 }, (_, i) => [2 + 2 * i, 2 + 2 * i]));
    const left = outbox.page(0, 0, 1000);
    expect(left.filter((row) => row.prio === 0)).toHaveLength(30);
    const reportRow = left.find((row) => row.topic === 'evicted')!;
    expect(seqOf(reportRow.payload)).toBe(111); // the report has its own seq, after the batch
    expect(outbox.evicted).toBe(15);
  });

  it('evicts criticals only when nothing else is left, oldest first', async () => {
    const { outbox, reports } = setup({ maxRows: 100, maxBytes: 10_000_000 });
    await Promise.all(Array.from({ length: 101 }, () => outbox.add(event(0))));
    expect(reports[0]).toMatchObject({ count: 6, bySeverity: { critical: 6 }, ranges: [[1, 6]] });
  });

  it('caps bytes as well as rows', async () => {
    const { outbox, reports } = setup({ maxRows: 100_000, maxBytes: 65_536 });
    await Promise.all(Array.from({ length: 100 }, () => outbox.add(event(3, 'y'.repeat(1000)))));
    expect(outbox.bytes).toBeLessThanOrEqual(65_536);
    expect(reports.reduce((n, r) => n + r.count, 0)).toBeGreaterThan(30);
  });

  it('on a full disk rejects the whole turn, stores nothing of it and leaves no seq gap', async () => {
    const { db, outbox } = setup();
    await outbox.add(event(3));
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = Array.from({ length: 50 }, () => outbox.add(event(3, 'z'.repeat(4000))));
    const results = await Promise.allSettled(big);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect((results[0] as PromiseRejectedResult).reason.code).toBe('SQLITE_FULL');
    expect(outbox.depth).toBe(1);
    db.pragma('max_page_count = 1073741823');
    expect(await outbox.add(event(3))).toBe(2);
  });
});

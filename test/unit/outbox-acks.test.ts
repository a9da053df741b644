/**
 * Deleting acknowledged rows (issue 14 item 2): in the next insert commit while events flow, by runs
 * of consecutive ids, counted from the lengths the uplink passes — and depth and bytes always what
 * SQLite holds, also when an acknowledged row was already gone or a commit failed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../cloud-bridge/db.js';
import { Outbox, type OutboxItem } from '../../cloud-bridge/outbox.js';

function setup() {
  const db = openDb(mkdtempSync(join(tmpdir(), 'vgw-acks-')));
  const outbox = new Outbox(db, { maxRows: 1000, maxBytes: 10_000_000 }, () => ({ topic: 'evicted', payload: Buffer.from('{}') }), pino({ level: 'silent' }));
  outbox.start();
  return { db, outbox };
}

const event = (body: string, alongside?: () => void): OutboxItem => ({ kind: 'event', prio: 3, topic: 't', qos: 1, retain: false, payload: (seq) => Buffer.from(JSON.stringify({ seq, body })), alongside });
const state = (body: string): OutboxItem => ({ kind: 'state', prio: 3, topic: 's', qos: 1, retain: true, payload: Buffer.from(body) });

/** What SQLite holds, to compare with the outbox's own counters. */
const stored = (db: Db) => db.prepare('SELECT COUNT(*) AS rows, COALESCE(SUM(length(payload)), 0) AS bytes FROM outbox').get() as { rows: number; bytes: number };
const counters = (outbox: Outbox) => ({ rows: outbox.depth, bytes: outbox.bytes });
const ids = (db: Db) => db.prepare('SELECT id FROM outbox ORDER BY id').pluck().all();

describe('outbox acknowledgements', () => {
  it('deletes acknowledged rows in the next insert commit, without a commit of their own', async () => {
    const { db, outbox } = setup();
    await Promise.all(['a', 'b', 'c'].map((b) => outbox.add(event(b))));
    for (const r of outbox.page(0, 0, 10)) outbox.ack(r.id, r.payload.length);
    expect(stored(db).rows).toBe(3); // batched: nothing deleted yet
    await outbox.add(event('d'));
    expect(ids(db)).toEqual([4]);
    expect(counters(outbox)).toEqual(stored(db));
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // the insert commit stays FULL
  });

  it('deletes ids that are not consecutive, run by run, and counts their bytes', async () => {
    const { db, outbox } = setup();
    await Promise.all(Array.from({ length: 10 }, (_, i) => outbox.add(event('x'.repeat(i + 1)))));
    const rows = outbox.page(0, 0, 10);
    for (const i of [7, 0, 1, 2, 4, 6]) outbox.ack(rows[i]!.id, rows[i]!.payload.length); // out of order too
    outbox.flushAcks();
    expect(ids(db)).toEqual([4, 6, 9, 10]);
    expect(counters(outbox)).toEqual(stored(db));
  });

  it('keeps depth and bytes exact when an acknowledged row was already replaced', async () => {
    const { db, outbox } = setup();
    await Promise.all([outbox.add(event('a')), outbox.add(state('{"on":true}'))]);
    const inFlight = outbox.page(0, 0, 10);
    await outbox.add(state('{"on":false,"longer":1}')); // replaces the state row while it is in flight
    for (const r of inFlight) outbox.ack(r.id, r.payload.length);
    await outbox.add(event('b'));
    expect(stored(db).rows).toBe(2);
    expect(counters(outbox)).toEqual(stored(db));
  });

  it('keeps acknowledged rows out of pages when the insert commit fails, and deletes them later', async () => {
    const { db, outbox } = setup();
    await Promise.all(['a', 'b'].map((b) => outbox.add(event(b))));
    const [first, second] = outbox.page(0, 0, 10);
    outbox.ack(first!.id, first!.payload.length);
    const failing = outbox.add(
      event('c', () => {
        throw new Error('alongside failed');
      }),
    );
    await expect(failing).rejects.toThrow('alongside failed');
    expect(stored(db).rows).toBe(2); // the delete rolled back with the insert
    expect(outbox.page(0, 0, 10).map((r) => r.id)).toEqual([second!.id]); // still acknowledged
    outbox.flushAcks();
    expect(ids(db)).toEqual([second!.id]);
    expect(counters(outbox)).toEqual(stored(db));
  });

  it('deletes with no insert coming after the flush interval, in a commit of its own', async () => {
    const { db, outbox } = setup();
    await Promise.all(['a', 'b'].map((b) => outbox.add(event(b))));
    for (const r of outbox.page(0, 0, 10)) outbox.ack(r.id, r.payload.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(stored(db).rows).toBe(0);
    expect(counters(outbox)).toEqual({ rows: 0, bytes: 0 });
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // back to FULL after the delete-only commit
  });
});

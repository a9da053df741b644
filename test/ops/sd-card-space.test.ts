/**
 * Issue 13, item 5: a drained backlog gives its space back (incremental auto-vacuum) and the WAL stays
 * bounded. Real SQLite files, the real outbox's add / ack / delete path; sizes measured on disk.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DB_FILE, openDb } from '../../cloud-bridge/db.js';
import { Outbox, type OutboxItem } from '../../cloud-bridge/outbox.js';
import { JOURNAL_SIZE_LIMIT_BYTES } from '../../cloud-bridge/vacuum.js';

const log = pino({ level: 'silent' });
const size = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
const body = 'x'.repeat(160); // ~200-byte payloads, as the benchmark's
const event = (): OutboxItem => ({ kind: 'event', prio: 3, topic: 'dev/panic-1/evt', qos: 1, retain: false, payload: (seq) => Buffer.from(JSON.stringify({ seq, body })) });

async function fillAndDrain(dir: string, events: number): Promise<{ full: number; drained: number; walMax: number }> {
  const db = openDb(dir);
  const outbox = new Outbox(db, { maxRows: 1_000_000, maxBytes: 1_000_000_000 }, () => ({ topic: 'evicted', payload: Buffer.alloc(0) }), log);
  outbox.start();
  const file = join(dir, DB_FILE);
  let walMax = 0;
  for (let i = 0; i < events; i += 500) {
    await Promise.all(Array.from({ length: 500 }, () => outbox.add(event())));
    walMax = Math.max(walMax, size(`${file}-wal`));
  }
  expect(outbox.depth).toBe(events);
  db.pragma('wal_checkpoint(PASSIVE)');
  const full = size(file);
  // The township acknowledges all of it, page by page, as the uplink would.
  for (;;) {
    const rows = outbox.page(0, 0, 1000);
    if (rows.length === 0) break;
    for (const r of rows) outbox.ack(r.id, r.payload.length);
    outbox.flushAcks();
    walMax = Math.max(walMax, size(`${file}-wal`));
  }
  expect(outbox.depth).toBe(0);
  const drained = size(file);
  outbox.stop();
  db.close();
  return { full, drained, walMax };
}

describe('SD-card space', () => {
  it('a drained 20,000-event backlog gives its space back to the file system', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgw-sd-'));
    const { full, drained, walMax } = await fillAndDrain(dir, 20_000);
    process.stdout.write(`db file: ${full} bytes with 20,000 events, ${drained} bytes drained; WAL peak ${walMax} bytes\n`);
    expect(full).toBeGreaterThan(4_000_000);
    // What is left is the schema and a few pages; without auto_vacuum the file keeps its full size.
    expect(drained).toBeLessThan(full / 10);
    // The WAL is checkpointed every 1000 pages; one turn's commit may overshoot that a little.
    expect(walMax).toBeLessThan(JOURNAL_SIZE_LIMIT_BYTES + 1024 * 1024);
  }, 30_000);

  it('an existing database without auto_vacuum is switched over at open when small', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgw-sd-old-'));
    const first = openDb(dir);
    first.close();
    // A database made by an earlier gateway version: auto_vacuum off.
    const old = new Database(join(dir, DB_FILE));
    old.pragma('auto_vacuum = NONE');
    old.exec('VACUUM');
    expect(old.pragma('auto_vacuum', { simple: true })).toBe(0);
    old.close();
    const again = openDb(dir);
    expect(again.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(again.pragma('journal_size_limit', { simple: true })).toBe(JOURNAL_SIZE_LIMIT_BYTES);
    expect(again.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(0);
    again.close();
  });
});

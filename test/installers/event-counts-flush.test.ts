/**
 * The hourly event counts' write path on a real SQLite file (gateway/event-counts.ts): events fall in
 * the hour the gateway's clock says, the report's window starts at the top of the hour 24 h ago, and a
 * write that fails keeps its counts in memory for the next one — none lost, none counted twice.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DB_FILE, openDb } from '../../cloud-bridge/db.js';
import type { BusEvent } from '../../gateway/event-bus.js';
import { countsLast24h, eventCountsComponent } from '../../gateway/event-counts.js';
import type { Pipeline } from '../../gateway/pipeline.js';
import { LogSink } from '../support/gateway-fixture.js';

const HOUR = 3_600_000;
async function waitFor(ok: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out after 10 s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('event counts: hourly rows and a failed write', () => {
  it('buckets by the clock hour, retries a failed write, and the 24 h window starts at the top of the hour', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgw-counts-'));
    const db = openDb(dir);
    let now = Date.UTC(2026, 10, 30, 10, 59, 0);
    let accepted: ((e: BusEvent) => void) | null = null;
    // The pipeline's accepted-event hook, driven by hand: these tests are about the counts' storage.
    const pipeline = { onAccepted: (l: (e: BusEvent) => void) => ((accepted = l), () => (accepted = null)) } as unknown as Pipeline;
    const logs = new LogSink();
    const counts = eventCountsComponent({ pipeline: () => pipeline, db: () => db, clock: { now: () => now, synced: () => true }, flushSec: 0.05, log: pino({ level: 'debug' }, logs) });
    const accept = (n: number, category: BusEvent['category'], severity: BusEvent['severity']) => {
      for (let i = 0; i < n; i++) accepted?.({ device: 'd', category, type: 't', severity, data: {} });
    };
    const rows = () => db.prepare('SELECT hour, category, severity, n FROM event_counts ORDER BY hour, category').all();
    const sum = (category: string) => (db.prepare('SELECT SUM(n) AS n FROM event_counts WHERE category = ?').get(category) as { n: number | null }).n ?? 0;

    await counts.start?.(new AbortController().signal);
    accept(3, 'alarm', 'critical');
    await waitFor(() => sum('alarm') === 3, 'the first hour to be written');
    now += 60_000; // 11:00:00, the next hour
    accept(2, 'alarm', 'critical');
    accept(1, 'door', 'info');
    await waitFor(() => sum('door') === 1 && sum('alarm') === 5, 'the second hour to be written');
    const h10 = Date.UTC(2026, 10, 30, 10);
    expect(rows()).toEqual([
      { hour: h10, category: 'alarm', severity: 'critical', n: 3 },
      { hour: h10 + HOUR, category: 'alarm', severity: 'critical', n: 2 },
      { hour: h10 + HOUR, category: 'door', severity: 'info', n: 1 },
    ]);

    // The table is gone for a while (another connection renames it): the writes fail, the counts wait.
    const other = new Database(join(dir, DB_FILE));
    other.exec('ALTER TABLE event_counts RENAME TO event_counts_away');
    accept(4, 'system', 'info');
    await waitFor(() => logs.lines.filter((l) => l.msg === 'event counts not written; retrying at the next interval').length >= 2, 'two failed writes');
    accept(1, 'system', 'info');
    other.exec('ALTER TABLE event_counts_away RENAME TO event_counts');
    other.close();
    await waitFor(() => sum('system') === 5, 'the kept counts to be written once the table is back');
    // Four more intervals pass (no condition to wait on: the check is that nothing more is added).
    await new Promise((r) => setTimeout(r, 200));
    expect(sum('system')).toBe(5);
    await counts.stop?.();

    // A day later at 11:00:30: the window holds the 11:00 hour of yesterday onwards, not the 10:00 one.
    expect(countsLast24h(db, h10 + HOUR + 30_000 + 24 * HOUR)).toEqual({ since: h10 + HOUR, byCategory: { alarm: 2, door: 1, system: 5 } });
    db.close();
  });
});

/**
 * The PostgreSQL archive's monthly partitions (issue 16): made on first use at a month boundary, shared
 * by archivers that start together, and dropped whole by retention.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isoLocal } from '../../gateway/kernel/clock.js';
import { createLogger } from '../../gateway/kernel/log.js';
import { PostgresArchiveStore } from '../../provisioning/township/archive/pg-store.js';
import { envelope, TOWNSHIP } from '../monitor/envelopes.js';
import { requirePostgres } from '../support/postgres.js';
import { postgresPerFile } from './engines.js';

const havePg = requirePostgres();
const log = createLogger('silent');
const NOW = Date.parse('2026-12-01T12:00:00Z');
const server = postgresPerFile(havePg);

/** Rows per partition, by table name. */
async function rowsByPartition(url: string): Promise<Record<string, number>> {
  const c = new pg.Client(url);
  await c.connect();
  const r = await c.query<{ part: string; n: string }>('SELECT tableoid::regclass::text AS part, count(*) AS n FROM events GROUP BY 1 ORDER BY 1');
  await c.end();
  return Object.fromEntries(r.rows.map((row) => [row.part, Number(row.n)]));
}

describe.skipIf(!havePg)('PostgreSQL archive partitions', () => {
  it('files events either side of a month boundary in two partitions, and a 1970 stamp in the default one', async () => {
    const store = await PostgresArchiveStore.open(server().url, log, { now: () => NOW });
    // 23:59:59.999 UTC on 30 November and the millisecond after.
    const last = Date.parse('2026-11-30T23:59:59.999Z');
    const batch = [
      envelope('gw-1', 1, { ts: isoLocal(last) }),
      envelope('gw-1', 2, { ts: isoLocal(last + 1) }),
      envelope('gw-1', 3, { ts: '1970-01-01T08:00:07.000+08:00', clock: 'unsynced' }),
    ].map((event) => ({ township: TOWNSHIP, event, receivedAt: NOW }));
    expect(await store.store(batch)).toBe(3);
    expect(await store.partitions()).toEqual(['events_p202611', 'events_p202612']);
    expect(await rowsByPartition(server().url)).toEqual({ events_default: 1, events_p202611: 1, events_p202612: 1 });
    // Redelivered: the same partition key, so the same primary key: nothing new.
    expect(await store.store(batch.map((b) => ({ ...b, receivedAt: NOW + 60_000 })))).toBe(0);
    await store.close();
  });

  it('stores the rest of a batch when PostgreSQL refuses one event, and counts the refused one', async () => {
    const store = await PostgresArchiveStore.open(server().url, log, { now: () => NOW });
    // A NUL byte in a text column: PostgreSQL will never store it, however often it comes.
    const bad = envelope('gw-nul', 2, { device: 'cam\u0000evil' });
    const batch = [envelope('gw-nul', 1), bad, envelope('gw-nul', 3)].map((event) => ({ township: TOWNSHIP, event, receivedAt: NOW }));
    expect(await store.store(batch)).toBe(2);
    expect(store.unstorable).toBe(1);
    expect((await store.gaps(['gw-nul']))[0]).toMatchObject({ archived: 2, unexplained: [[2, 2]] });
    await store.close();
  });

  it('lets archivers that start together create the same new months without an error', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => PostgresArchiveStore.open(server().url, log, { now: () => NOW })));
    const months = ['2026-07', '2026-08', '2026-09'];
    const stored = await Promise.all(
      stores.map((s, i) => s.store(months.map((m, j) => ({ township: TOWNSHIP, event: envelope(`gw-race-${i}`, j + 1, { ts: `${m}-15T10:00:00.000+08:00` }), receivedAt: NOW })))),
    );
    expect(stored).toEqual([3, 3, 3]);
    expect(await stores[0]?.partitions()).toEqual(['events_p202607', 'events_p202608', 'events_p202609', 'events_p202611', 'events_p202612']);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('retention drops whole partitions older than the month kept, and the rest stays searchable', async () => {
    const store = await PostgresArchiveStore.open(server().url, log, { now: () => NOW });
    const before = await store.count();
    expect(await store.retain({ year: 2026, month: 9 })).toEqual(['events_p202607', 'events_p202608']);
    expect(await store.partitions()).toEqual(['events_p202609', 'events_p202611', 'events_p202612']);
    expect(await store.count()).toBe(before - 6);
    expect(await store.retain({ year: 2026, month: 9 })).toEqual([]);
    // A dropped month that comes back (a late redelivery) gets its partition again.
    expect(await store.store([{ township: TOWNSHIP, event: envelope('gw-late', 1, { ts: '2026-07-20T10:00:00.000+08:00' }), receivedAt: NOW }])).toBe(1);
    expect(await store.partitions()).toContain('events_p202607');
    await store.close();
  });
});

/**
 * Issue 9, items 3 and 5: a listener that throws is contained and logged — the outbox's 'added' listener
 * inside the flush's setImmediate (before: an uncaught exception, the process ended) and a subscriber of
 * the gateway's event bus; the event stays committed and the other listeners still run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../cloud-bridge/db.js';
import { Outbox } from '../../cloud-bridge/outbox.js';
import { EventBus, type BusEvent } from '../../gateway/event-bus.js';
import { LogSink } from '../support/gateway-fixture.js';

describe('listeners that throw', () => {
  it("an outbox 'added' listener's exception is logged, not uncaught; later listeners and the commit go on", async () => {
    const logs = new LogSink();
    const db = openDb(mkdtempSync(join(tmpdir(), 'vgw-added-')));
    const outbox = new Outbox(db, { maxRows: 1000, maxBytes: 10_000_000 }, (seq) => ({ topic: 'evicted', payload: Buffer.from(String(seq)) }), pino({ level: 'debug' }, logs));
    outbox.start();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const seen: number[] = [];
    try {
      outbox.on('added', () => {
        throw new Error('listener broke');
      });
      outbox.on('added', (rows) => void seen.push(rows.length));
      const seqs = await Promise.all([1, 2, 3].map(() => outbox.add({ kind: 'event', prio: 0, topic: 't', qos: 1, retain: false, payload: (s) => Buffer.from(String(s)) })));
      await new Promise((r) => setImmediate(r));
      expect(seqs).toEqual([1, 2, 3]);
      expect(outbox.depth).toBe(3);
      expect(seen).toEqual([3]);
      expect(uncaught).toEqual([]);
      expect(logs.lines.some((l) => String(l.msg).startsWith('outbox listener failed') && (l.err as { message?: string } | undefined)?.message === 'listener broke')).toBe(true);
    } finally {
      process.off('uncaughtException', onUncaught);
      outbox.stop();
      db.close();
    }
  });

  it('an event bus subscriber that throws is logged; the store commits and the other subscribers still see the event', async () => {
    const logs = new LogSink();
    const bus = new EventBus(pino({ level: 'debug' }, logs));
    const stored: BusEvent[] = [];
    bus.storeIn('outbox', async (e) => (stored.push(e), { id: `id-${stored.length}`, seq: stored.length }));
    const seen: string[] = [];
    bus.subscribe('broken', () => {
      throw new Error('subscriber broke');
    });
    bus.subscribe('local reactions', (e) => void seen.push(e.type));
    expect(bus.subscribers).toEqual(['outbox', 'broken', 'local reactions']);
    const accepted = await bus.publish({ device: 'panic-east-gate', category: 'alarm', type: 'panic.pressed', severity: 'critical', data: {} });
    expect(accepted).toEqual({ id: 'id-1', seq: 1 });
    expect(stored.map((e) => e.type)).toEqual(['panic.pressed']);
    expect(seen).toEqual(['panic.pressed']);
    expect(logs.lines.some((l) => l.msg === 'event bus subscriber failed' && l.subscriber === 'broken')).toBe(true);
  });
});

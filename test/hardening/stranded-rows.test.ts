/**
 * Issue 8 C: rows stranded on a working uplink. `Outbox.page()` dropped acknowledged-but-not-yet-deleted
 * rows after the SQL LIMIT, and `Uplink.drain()` read the short page as "caught up": rows behind a head
 * of acked rows stayed unsent while new events went out directly.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../cloud-bridge/db.js';
import { Outbox } from '../../cloud-bridge/outbox.js';
import { startFixture, type Fixture, outboxView } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';

describe('outbox paging', () => {
  it('a page full of acknowledged rows at its head still returns the rows behind them', async () => {
    const db = openDb(mkdtempSync(join(tmpdir(), 'vgw-page-')));
    const outbox = new Outbox(db, { maxRows: 100_000, maxBytes: 100_000_000 }, () => ({ topic: 'x', payload: Buffer.from('x') }), pino({ level: 'silent' }));
    outbox.start();
    await Promise.all(Array.from({ length: 600 }, (_, i) => outbox.add({ kind: 'event', prio: 3, topic: 't', qos: 1, retain: false, payload: () => Buffer.from(String(i)) })));
    const head = outbox.page(0, 0, 300);
    for (const r of head) outbox.ack(r.id, r.payload.length); // PUBACKed, delete still batched
    const page = outbox.page(0, 0, 256);
    expect(page).toHaveLength(256);
    expect(page[0]!.id).toBe(head[head.length - 1]!.id + 1);
    outbox.flushAcks();
    db.close();
  });
});

describe.runIf(requireTools('mosquitto'))('uplink drain with acknowledged rows at the head of a page', () => {
  const broker = new Mosquitto();
  let fx: Fixture;
  let probe: TownshipProbe;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-stranded');
    // A small window: pages are short, so the head of a page is often rows PUBACKed but not yet deleted.
    fx = await startFixture({ uplinkUrl: broker.url, uplink: { inflightWindow: 8 } });
    await probe.waitFor(() => fx.gateway.inspect().uplinkState === 'connected' && fx.gateway.inspect().backlog === 0, 15_000, 'uplink connected and caught up');
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await probe?.close();
    await broker.stop();
  });

  it('sends every row while new events keep arriving', async () => {
    const pipeline = { emit: fx.gateway.testApi.emit };
    const outbox = outboxView(fx.gateway);
    const FLOOD = 3000;
    const CRITICALS = 150;
    const flood = Promise.all(Array.from({ length: FLOOD }, (_, n) => pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { n } })));
    // Criticals trickle in while the flood drains: each resets the drain cursor to the head, where
    // acknowledged rows wait for their batched delete.
    for (let n = 0; n < CRITICALS; n++) {
      await pipeline.emit({ device: 'panic-east-gate', category: 'alarm', type: 'panic.pressed', data: { n } });
      await new Promise((r) => setTimeout(r, 3));
    }
    await flood;
    const sent = () => new Set(probe.events.filter((e) => e.type === 'door.opened').map((e) => e.data.n)).size;
    await probe.waitFor(() => sent() === FLOOD && outbox.depth === 0, 40_000, `all ${FLOOD} flood events at the township and an empty outbox`).catch((err: Error) => {
      throw new Error(`${err.message}: ${FLOOD - sent()} rows stranded, outbox depth ${outbox.depth}`);
    });
    expect(new Set(probe.events.filter((e) => e.type === 'panic.pressed').map((e) => e.data.n)).size).toBe(CRITICALS);
    expect(probe.invalid).toEqual([]);
  });
});

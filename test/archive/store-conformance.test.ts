/**
 * One conformance suite for both archive engines (issue 16): SQLite (the township's file) and
 * PostgreSQL (a real server started by the test in a temporary directory). Whatever the engine, an event
 * is stored once by id, searches give the same answers, and seq gaps are told apart the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoLocal } from '../../gateway/kernel/clock.js';
import type { ArchiveStore, IncomingEvent } from '../../provisioning/township/archive/store.js';
import type { EventEnvelope } from '../../provisioning/township/monitor/uplink-message.js';
import { envelope, evictionReport, TOWNSHIP } from '../monitor/envelopes.js';
import { archiveEngines } from './engines.js';

const A = '370283104-xiejiayu-01';
const B = '370283104-dongcun-02';
const T0 = Date.parse('2026-11-23T21:00:00+08:00');
const at = (min: number) => isoLocal(T0 + min * 60_000);
const incoming = (event: EventEnvelope, receivedAt = T0 + 3_600_000): IncomingEvent => ({ township: TOWNSHIP, event, receivedAt });

const events = [
  envelope(A, 1, { ts: at(0), category: 'alarm', type: 'panic.pressed', severity: 'critical', device: 'panic-east-gate', data: { zone: '东门' } }),
  envelope(A, 2, { ts: at(10), category: 'door', type: 'door.opened', severity: 'info', device: 'door-west', data: { by: 'card 0042' } }),
  envelope(A, 5, { ts: at(20), category: 'door', type: 'door.forced', severity: 'major', device: 'door-west', data: { note: 'nul \u0000 inside' } }),
  envelope(A, 9, { ts: at(25), category: 'door', type: 'door.closed', severity: 'info', device: 'door-west', data: {} }),
  evictionReport(A, 10, [[3, 3]]),
  envelope(B, 1, { ts: at(30), category: 'access', type: 'card.swiped', severity: 'info', device: 'reader-1', data: { card: '50%_off' } }),
  // A Pi without RTC before NTP: its own ts is 1970, so the archive files it under the reception time.
  envelope(B, 2, { ts: '1970-01-01T08:00:07.000+08:00', clock: 'unsynced', category: 'camera', type: 'camera.motion', severity: 'minor', device: 'cam-1', data: {} }),
];

const engines = archiveEngines();

describe.each(engines)('archive store: $name', ({ open, skip }) => {
  let store: ArchiveStore;
  beforeAll(async () => {
    if (skip) return;
    store = await open();
    expect(await store.store(events.map((e, i) => incoming(e, T0 + 3_600_000 + i)))).toBe(events.length);
  });
  afterAll(() => store?.close());

  it.skipIf(skip)('stores each event once by id, however often and however late it is delivered again', async () => {
    // Redelivered an hour later: an unsynced event's reception time differs, its identity does not.
    expect(await store.store(events.map((e) => incoming({ ...e }, T0 + 7_200_000)))).toBe(0);
    expect(await store.store([incoming(envelope(B, 3, { ts: at(35) })), incoming(events[0] as EventEnvelope)])).toBe(1);
    expect(await store.count()).toBe(events.length + 1);
  });

  it.skipIf(skip)('searches by gateway, device, category, type prefix, severity, time and text, newest first', async () => {
    const ids = async (q: Parameters<ArchiveStore['query']>[0]) => (await store.query(q)).map((a) => `${a.event.gateway === A ? 'A' : 'B'}${a.event.seq}`);
    expect(await ids({ gateways: [A], types: ['door.*'], limit: 10 })).toEqual(['A9', 'A5', 'A2']);
    expect(await ids({ devices: ['door-west'], minSeverity: 'major', limit: 10 })).toEqual(['A5']);
    expect(await ids({ categories: ['alarm', 'access'], limit: 10 })).toEqual(['B1', 'A1']);
    expect(await ids({ since: T0 + 10 * 60_000, until: T0 + 25 * 60_000, limit: 10 })).toEqual(['A5', 'A2']);
    expect(await ids({ text: '东门', limit: 10 })).toEqual(['A1']);
    // LIKE's own wildcards in the search text are literal.
    expect(await ids({ text: '50%_', limit: 10 })).toEqual(['B1']);
    expect(await ids({ limit: 2 })).toEqual(['A10', 'B2']);
  });

  it.skipIf(skip)('files an unsynced event under its reception time and keeps the data as sent', async () => {
    const [b2] = await store.query({ gateways: [B], types: ['camera.motion'], limit: 1 });
    expect(b2?.atMs).toBe(T0 + 3_600_000 + 6);
    expect(b2?.event.ts).toBe('1970-01-01T08:00:07.000+08:00');
    const [a5] = await store.query({ gateways: [A], types: ['door.forced'], limit: 1 });
    expect(a5?.event.data).toEqual({ note: 'nul \u0000 inside' });
  });

  it.skipIf(skip)("tells holes the gateway reported evicting from holes nobody explained", async () => {
    const gaps = await store.gaps();
    expect(gaps.find((g) => g.gateway === A)).toEqual({ gateway: A, first: 1, last: 10, archived: 5, explained: [[3, 3]], unexplained: [[4, 4], [6, 8]] });
    expect(gaps.find((g) => g.gateway === B)).toMatchObject({ first: 1, last: 3, explained: [], unexplained: [] });
    expect((await store.gaps([B])).map((g) => g.gateway)).toEqual([B]);
  });
});

describe.each(archiveEngines())('alarm cases: $name', ({ open, skip }) => {
  let store: ArchiveStore;
  beforeAll(async () => {
    if (skip) return;
    store = await open();
    await store.store(events.map((e) => incoming(e)));
  });
  afterAll(() => store?.close());

  it.skipIf(skip)('opens a case for each critical and major event, once, most severe first', async () => {
    await store.store(events.map((e) => incoming(e)));
    const cases = await store.openCases(10);
    expect(cases.map((c) => `${c.gateway === A ? 'A' : 'B'}:${c.type}:${c.state}`)).toEqual(['A:panic.pressed:open', 'A:system.outbox.evicted:open', 'A:door.forced:open']);
  });

  it.skipIf(skip)('takes the first acknowledgement only, and closes a case with what was done', async () => {
    const [panic] = await store.openCases(1);
    const id = (panic as { eventId: string }).eventId;
    expect(await store.acknowledge(id, '张三', T0 + 1000)).toBe(true);
    // A second console a moment later: someone was first.
    expect(await store.acknowledge(id, '李四', T0 + 2000)).toBe(false);
    expect((await store.openCases(10))[0]).toMatchObject({ eventId: id, state: 'acknowledged', ackBy: '张三', ackMs: T0 + 1000 });
    expect(await store.closeCase(id, '张三', '已派民警到场，误报', T0 + 60_000)).toBe(true);
    expect(await store.closeCase(id, '李四', 'again', T0 + 70_000)).toBe(false);
    expect((await store.openCases(10)).map((c) => c.eventId)).not.toContain(id);
  });
});

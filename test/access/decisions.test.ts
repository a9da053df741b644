/**
 * Issue 10, items 3 and 5: readers on the real local broker (aedes, mqtt.js) present credentials; the
 * gateway decides for every reason, answers the reader, unlocks the door on a grant, stores a record
 * and an `access.*` event with the rules' data shape, and nothing it writes holds a credential in clear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, clearTextLeaks, everythingWritten, FakeClock, outboxEvents, ReaderClient, run, signed, startAccessGateway, type AccessGateway } from './support/access-gateway.js';
import { failing, unlocks } from './support/test-door.js';

const HOUR = 3600_000;
// A Tuesday noon, local time.
const clock = new FakeClock(new Date(2026, 11, 1, 12, 0).getTime());
const CARDS = { resident: '6154410', expired: '7001234', west: '7005555', watch: '7009999', both: '7100001', group: '7200002', unknown: '9999999' };
const PIN_NIGHT = '804217';
const QR_VISITOR = 'VIS-QR-7731';
const ALLOWED_KEYS = ['door', 'reader', 'person', 'reason', 'credential', 'lists'];

const persons = [
  { id: 'p-res', kind: 'resident', lists: ['elderly-alone'], doors: ['east-gate'], credentials: [{ method: 'card', value: CARDS.resident }] },
  { id: 'p-old', kind: 'resident', doors: ['*'], validTo: '2026-11-30', credentials: [{ method: 'card', value: CARDS.expired }] },
  { id: 'p-night', kind: 'staff', doors: ['east-gate'], windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '06:00' }], credentials: [{ method: 'pin', value: PIN_NIGHT }] },
  { id: 'p-west', kind: 'resident', doors: ['west-gate'], credentials: [{ method: 'card', value: CARDS.west }] },
  { id: 'p-watch', kind: 'resident', watchListed: true, lists: ['watch'], doors: ['*'], credentials: [{ method: 'card', value: CARDS.watch }] },
  { id: 'p-both', kind: 'resident', doors: ['*'], credentials: [{ method: 'card', value: CARDS.both }] },
  { id: 'p-grp', kind: 'staff', doors: ['group:gates'], credentials: [{ method: 'card', value: `000${CARDS.group}` }] },
  { id: 'p-vis', kind: 'visitor', host: 'p-res', doors: ['east-gate'], validTo: new Date(clock.ms + 2 * HOUR).toISOString(), credentials: [{ method: 'qr', value: QR_VISITOR }] },
];

describe('access decisions at readers on the local broker', () => {
  let a: AccessGateway;
  let east: ReaderClient;
  let westIn: ReaderClient;
  let westOut: ReaderClient;

  beforeAll(async () => {
    a = await startAccessGateway({
      clock,
      access: { antiPassback: ['west-gate'] },
      readers: [{ id: 'reader-east', door: 'east-gate' }, { id: 'reader-west-in', door: 'west-gate', direction: 'in' }, { id: 'reader-west-out', door: 'west-gate', direction: 'out' }],
    });
    const sync = signed(a.gatewayId, 'access.sync', { mode: 'full', version: 1, groups: [{ name: 'gates', doors: ['east-gate'] }], persons }, ADMIN, { now: clock.ms });
    expect(await run(a.gateway, sync)).toMatchObject({ status: 'done' });
    const port = a.gateway.localPort;
    [east, westIn, westOut] = await Promise.all([ReaderClient.connect(port, 'reader-east'), ReaderClient.connect(port, 'reader-west-in'), ReaderClient.connect(port, 'reader-west-out')]);
  });
  afterAll(async () => {
    await Promise.all([east?.close(), westIn?.close(), westOut?.close()]);
    await a?.gateway.stop();
  });

  const lastAccessEvent = () => outboxEvents(a.gateway).filter((e) => e.category === 'access').at(-1);

  it.each([
    ['a resident card at their door', { method: 'card', value: CARDS.resident }, { action: 'grant', person: 'p-res' }],
    ['a card with leading zeros (the same card)', { method: 'card', value: `00${CARDS.resident}` }, { action: 'grant', person: 'p-res' }],
    ['a card through a door group', { method: 'card', value: CARDS.group }, { action: 'grant', person: 'p-grp' }],
    ['a visitor QR code before expiry', { method: 'qr', value: QR_VISITOR }, { action: 'grant', person: 'p-vis' }],
    ['an unknown card', { method: 'card', value: CARDS.unknown }, { action: 'deny', reason: 'unknown' }],
    ['an expired card', { method: 'card', value: CARDS.expired }, { action: 'deny', reason: 'expired' }],
    ['a night-shift PIN at noon', { method: 'pin', value: PIN_NIGHT }, { action: 'deny', reason: 'outside-window' }],
    ['a card for another door', { method: 'card', value: CARDS.west }, { action: 'deny', reason: 'door-not-allowed' }],
    ['a watch-listed card', { method: 'card', value: CARDS.watch }, { action: 'deny', reason: 'watch-listed' }],
    ['a door this reader does not serve', { method: 'card', value: CARDS.resident, door: 'west-gate' }, { action: 'deny', reason: 'door-not-allowed' }],
    ['a face matched well', { method: 'face', value: 'p-res', score: 0.95 }, { action: 'grant', person: 'p-res' }],
    ['a face matched weakly', { method: 'face', value: 'p-res', score: 0.5 }, { action: 'deny', reason: 'unknown' }],
    ['a face of nobody listed', { method: 'face', value: 'p-nobody', score: 0.99 }, { action: 'deny', reason: 'unknown' }],
  ] as [string, { method: string; value: string; door?: string; score?: number }, { action: string; person?: string; reason?: string }][])('%s', async (_name, credential, expected) => {
    const before = unlocks.length;
    const answer = await east.present(credential);
    expect(answer).toMatchObject(expected);
    const event = lastAccessEvent();
    expect(event?.type).toBe(expected.action === 'grant' ? 'access.granted' : 'access.denied');
    expect(event?.device).toBe('reader-east');
    expect(Object.keys(event?.data ?? {}).every((k) => ALLOWED_KEYS.includes(k))).toBe(true);
    expect(Object.keys(event?.data.credential as object).sort()).toEqual(['hash', 'last2', 'method']);
    expect(event?.data).toMatchObject({ door: credential.door ?? 'east-gate', reader: 'reader-east', ...('person' in expected ? { person: expected.person } : {}), ...('reason' in expected ? { reason: expected.reason } : {}) });
    expect((event?.data.credential as { last2: string }).last2).toBe(credential.value.slice(-2));
    // A grant unlocked the door before the reader was answered; a deny unlocked nothing.
    expect(unlocks.length - before).toBe(expected.action === 'grant' ? 1 : 0);
    if (expected.action === 'grant') expect(unlocks.at(-1)).toMatchObject({ door: 'east-gate', by: 'grant', person: expected.person, seconds: 5 });
  });

  it('names the lists of the person in the event (what the alert rules match on)', async () => {
    await east.present({ method: 'card', value: CARDS.resident });
    expect(lastAccessEvent()?.data.lists).toEqual(['elderly-alone']);
    await westIn.present({ method: 'card', value: CARDS.watch });
    expect(lastAccessEvent()?.data).toMatchObject({ reason: 'watch-listed', person: 'p-watch', lists: ['watch'] });
  });

  it('refuses in after in at an anti-passback door until an out', async () => {
    const seen = [];
    for (const reader of [westIn, westIn, westOut, westIn]) seen.push(await reader.present({ method: 'card', value: CARDS.both }));
    expect(seen.map((s) => s.reason ?? s.action)).toEqual(['grant', 'anti-passback', 'grant', 'grant']);
  });

  it('expires a visitor at the end of the visit (fake clock)', async () => {
    expect(await east.present({ method: 'qr', value: QR_VISITOR })).toMatchObject({ action: 'grant' });
    clock.ms += 2 * HOUR;
    expect(await east.present({ method: 'qr', value: QR_VISITOR })).toMatchObject({ action: 'deny', reason: 'expired' });
    clock.ms -= 2 * HOUR;
  });

  it('keeps the night window: the night PIN opens at 23:00 and 05:59, not at 06:00', async () => {
    const noon = clock.ms;
    const at = (h: number, m: number) => (clock.ms = new Date(2026, 11, 1, h, m).getTime());
    at(23, 0);
    expect((await east.present({ method: 'pin', value: PIN_NIGHT })).action).toBe('grant');
    at(5, 59);
    expect((await east.present({ method: 'pin', value: PIN_NIGHT })).action).toBe('grant');
    at(6, 0);
    expect((await east.present({ method: 'pin', value: PIN_NIGHT })).reason).toBe('outside-window');
    clock.ms = noon;
  });

  it('answers deny (door-fault) when a granted door fails to unlock, and the grant stays recorded', async () => {
    failing.set('east-gate', 'relay stuck');
    try {
      expect(await east.present({ method: 'card', value: CARDS.resident })).toMatchObject({ action: 'deny', reason: 'door-fault', person: 'p-res' });
      expect(lastAccessEvent()?.type).toBe('access.granted');
      expect(a.logs.lines.some((l) => l.msg === 'granted but the door did not unlock')).toBe(true);
    } finally {
      failing.delete('east-gate');
    }
  });

  it('rejects and counts a malformed credential message without answering or storing it', async () => {
    const accessEvents = () => outboxEvents(a.gateway).filter((e) => e.category === 'access').length;
    const events = accessEvents();
    const answers = east.answers.length;
    const before = a.gateway.inspect().rejections.bySubject.get('reader-east') ?? 0;
    for (const bad of [{ method: 'retina', value: '4711' }, { method: 'card' }, { method: 'card', value: 4711 }]) {
      await east.client.publishAsync('dev/reader-east/event', JSON.stringify({ type: 'credential', ...bad }), { qos: 1 });
    }
    expect((a.gateway.inspect().rejections.bySubject.get('reader-east') ?? 0) - before).toBe(3);
    expect(accessEvents()).toBe(events);
    expect(east.answers.length).toBe(answers);
  });

  // The answer time itself (median, p99 over 500 swipes, idle and under LAN load) is a benchmark figure,
  // `npm run bench:access`: a timed bound here fails on a loaded machine without the gateway being wrong.
  it('answers each of 200 back-to-back swipes once, rightly, and before it acknowledges the credential', async () => {
    const order: string[] = [];
    const answersBefore = east.answers.length;
    for (let i = 0; i < 200; i++) {
      const answered = new Promise<Record<string, unknown>>((resolve) => east.client.once('message', (_t, payload) => (order.push('answer'), resolve(JSON.parse(payload.toString()) as Record<string, unknown>))));
      await east.client.publishAsync('dev/reader-east/event', JSON.stringify({ type: 'credential', method: 'card', value: i % 2 ? CARDS.resident : CARDS.unknown }), { qos: 1 });
      order.push('puback');
      expect(await answered).toMatchObject(i % 2 ? { action: 'grant', person: 'p-res' } : { action: 'deny', reason: 'unknown' });
    }
    expect(east.answers.length - answersBefore).toBe(200);
    // The decision is taken while the PUBLISH is handled: the answer is on its way before the PUBACK.
    expect(order).toEqual(Array.from({ length: 200 }, () => ['answer', 'puback']).flat());
  });

  it('keeps a record of every decision, and nothing it wrote holds a card, PIN or QR code in clear', () => {
    const records = a.gateway.db.prepare('SELECT COUNT(*) FROM access_records').pluck().get() as number;
    const decisions = outboxEvents(a.gateway).filter((e) => e.type === 'access.granted' || e.type === 'access.denied').length;
    expect(records).toBe(decisions);
    // Each decision is logged too (masked), so the scan below reads real log lines of every decision.
    expect(a.logs.lines.filter((l) => l.msg === 'access decided')).toHaveLength(decisions);
    const answers = [east, westIn, westOut].flatMap((r) => r.answers.map((m) => JSON.stringify(m)));
    expect(clearTextLeaks(everythingWritten(a, answers), [...Object.values(CARDS), PIN_NIGHT, QR_VISITOR])).toEqual([]);
  });
});

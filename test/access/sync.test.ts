/**
 * Issue 10, item 4: `access.sync` over the command router — full replace, versioned delta, a delta on
 * the wrong base refused with `full-sync-required`, conflicting credentials refused without echoing
 * them, the admin role, a 20,000-person full sync that leaves the event path responsive, the list kept
 * across a restart, and what a controller is given (`cardsFor`, `onChange`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, DOOR, clearTextLeaks, everythingWritten, outboxEvents, ReaderClient, replyTo, run, signed, startAccessGateway, type AccessGateway } from './support/access-gateway.js';
import { accessSeams } from './support/test-door.js';

type Obj = Record<string, unknown>;
const person = (id: string, card: string, extra: Obj = {}): Obj => ({ id, kind: 'resident', doors: ['east-gate'], credentials: [{ method: 'card', value: card }], ...extra });
const full = (version: number, persons: Obj[], extra: Obj = {}): Obj => ({ mode: 'full', version, persons, ...extra });
const delta = (baseVersion: number, version: number, extra: Obj): Obj => ({ mode: 'delta', baseVersion, version, ...extra });

describe('access.sync', () => {
  let a: AccessGateway | null = null;
  const readers: ReaderClient[] = [];
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
    await a?.gateway.stop();
    a = null;
  });
  const sync = (g: AccessGateway, params: Obj, key = ADMIN) => run(g.gateway, signed(g.gatewayId, 'access.sync', params, key));
  const reader = async (g: AccessGateway) => {
    const r = await ReaderClient.connect(g.gateway.localPort, 'reader-east');
    readers.push(r);
    return r;
  };

  it('replaces the list, applies a delta on its base, refuses a delta on another base and asks for a full sync', async () => {
    a = await startAccessGateway();
    const r = await reader(a);
    expect(await sync(a, full(5, [person('p-1', '6154410'), person('p-2', '6154420')]))).toMatchObject({ status: 'done' });
    expect((await r.present({ method: 'card', value: '6154410' })).action).toBe('grant');

    expect(await sync(a, delta(5, 6, { remove: ['p-1'], persons: [person('p-3', '6154430')] }))).toMatchObject({ status: 'done' });
    expect((await r.present({ method: 'card', value: '6154410' })).reason).toBe('unknown');
    expect((await r.present({ method: 'card', value: '6154430' })).action).toBe('grant');

    // Base 5 is gone: this delta would be applied to a list it was not made for.
    const wrong = await sync(a, delta(5, 7, { remove: ['p-2'] }));
    expect(wrong).toMatchObject({ status: 'failed', error: { code: 'full-sync-required' } });
    expect(wrong?.error?.message).toMatch(/at version 6, the delta was made against 5; send a full access.sync/);
    expect((await r.present({ method: 'card', value: '6154420' })).action).toBe('grant');

    // A full sync from any version is taken, and a delta on it then fits again.
    expect(await sync(a, full(9, [person('p-2', '6154420')]))).toMatchObject({ status: 'done' });
    expect((await r.present({ method: 'card', value: '6154430' })).reason).toBe('unknown');
    expect(await sync(a, delta(9, 10, { persons: [person('p-2', '6154420', { doors: ['west-gate'] })] }))).toMatchObject({ status: 'done' });
    expect((await r.present({ method: 'card', value: '6154420' })).reason).toBe('door-not-allowed');
  });

  it('refuses two persons with one credential, naming them but not the value, and keeps the list it had', async () => {
    a = await startAccessGateway();
    const r = await reader(a);
    expect(await sync(a, full(1, [person('p-1', '6154410')]))).toMatchObject({ status: 'done' });
    const clash = await sync(a, full(2, [person('p-7', '7777001'), person('p-8', '0007777001')]));
    expect(clash).toMatchObject({ status: 'failed', error: { code: 'invalid' } });
    expect(clash?.error?.message).toMatch(/persons p-7 and p-8 hold the same card \(ending 01\)/);
    const deltaClash = await sync(a, delta(1, 2, { persons: [person('p-9', '6154410')] }));
    expect(deltaClash?.error?.message).toMatch(/persons p-1 and p-9 hold the same card/);
    expect((await r.present({ method: 'card', value: '6154410' })).action).toBe('grant');
    expect(a.gateway.db.prepare('SELECT COUNT(*) FROM access_persons').pluck().get()).toBe(1);
    expect(clearTextLeaks(everythingWritten(a), ['7777001', '6154410'])).toEqual([]);
  });

  it('needs the admin role, and names the bad field of an invalid payload', async () => {
    a = await startAccessGateway();
    expect(await sync(a, full(1, []), DOOR)).toMatchObject({ status: 'rejected', error: { code: 'forbidden' } });
    const bad = await sync(a, full(1, [{ id: 'v-1', kind: 'visitor', credentials: [{ method: 'pin', value: '12' }] }]));
    // Persons are checked after the router's checks, a chunk per turn: `failed` with code `invalid`.
    expect(bad).toMatchObject({ status: 'failed', error: { code: 'invalid' } });
    expect(bad?.error?.message).toMatch(/persons\.0\.host: a visitor needs a host/);
    expect(bad?.error?.message).toMatch(/persons\.0\.credentials\.0\.value: a PIN is 4 to 8 digits/);
    expect(bad?.error?.message).not.toMatch(/\b12\b/);
    expect(await sync(a, { version: 1, persons: [] })).toMatchObject({ status: 'rejected', error: { code: 'invalid' } });
    expect(await sync(a, delta(4, 4, {}))).toMatchObject({ status: 'rejected', error: { code: 'invalid', message: expect.stringMatching(/version: must be greater than baseVersion/) } });
    expect(a.gateway.db.prepare('SELECT COUNT(*) FROM access_persons').pluck().get()).toBe(0);
  });

  it('gives a controller its cards (sealed on disk, whole days) and tells it when the list changed', async () => {
    a = await startAccessGateway();
    const seam = accessSeams.get('east-gate');
    let changes = 0;
    seam?.onChange(() => changes++);
    await sync(a, full(1, [
      person('p-1', '6154410', { validFrom: '2026-01-01', validTo: '2027-06-30' }),
      person('p-2', '6154420', { doors: ['west-gate'] }),
      person('p-3', '6154430', { watchListed: true, doors: ['*'] }),
      person('p-4', '6154440', { doors: ['group:all-gates'] }),
      { id: 'p-5', kind: 'staff', doors: ['*'], credentials: [{ method: 'pin', value: '804217' }] },
    ], { groups: [{ name: 'all-gates', doors: ['east-gate', 'west-gate'] }] }));
    expect(changes).toBe(1);
    expect(seam?.cardsFor('east-gate').sort((x, y) => x.card - y.card)).toEqual([
      { card: 6154410, person: 'p-1', from: '2026-01-01', to: '2027-06-30' },
      { card: 6154440, person: 'p-4', from: '2000-01-01', to: '2099-12-31' },
    ]);
    const sealed = a.gateway.db.prepare("SELECT card FROM access_credentials WHERE method = 'card'").pluck().all() as Buffer[];
    expect(sealed.every((b) => b.length === 32 && !b.includes(Buffer.from([0x3a, 0xe8, 0x5d, 0x00])))).toBe(true);
    await sync(a, delta(1, 2, { remove: ['p-4'] }));
    expect(changes).toBe(2);
    expect(seam?.cardsFor('east-gate').map((c) => c.person)).toEqual(['p-1']);
  });

  it('records what a controller decided by itself: the same event shape and a record marked device', async () => {
    a = await startAccessGateway();
    const seam = accessSeams.get('west-gate');
    await sync(a, full(1, [person('p-1', '6154410', { lists: ['elderly-alone'], doors: ['west-gate'] })]));
    const granted = await seam?.record({ door: 'west-gate', reader: 'west-gate', credential: { method: 'card', value: '6154410' }, direction: 'in' }, true);
    const denied = await seam?.record({ door: 'west-gate', reader: 'west-gate', credential: { method: 'card', value: '1234567' } }, false, 'unknown');
    expect(granted).toEqual({ granted: true, person: 'p-1', credential: seam?.mask({ method: 'card', value: '6154410' }) });
    expect(denied).toMatchObject({ granted: false, reason: 'unknown', credential: { method: 'card', last2: '67' } });
    const events = outboxEvents(a.gateway).filter((e) => e.category === 'access');
    expect(events.map((e) => [e.type, e.device, e.data.person, e.data.reason])).toEqual([['access.granted', 'west-gate', 'p-1', undefined], ['access.denied', 'west-gate', undefined, 'unknown']]);
    expect(events[0]?.data).toEqual({ door: 'west-gate', reader: 'west-gate', person: 'p-1', credential: granted?.credential, lists: ['elderly-alone'] });
    expect(a.gateway.db.prepare('SELECT source, direction FROM access_records ORDER BY id').all()).toEqual([{ source: 'device', direction: 'in' }, { source: 'device', direction: null }]);
    expect(clearTextLeaks(everythingWritten(a), ['6154410', '1234567'])).toEqual([]);
  });

  it('keeps the list and its version across a restart, and drops what a cut-off sync left', async () => {
    a = await startAccessGateway();
    const dataDir = a.dataDir;
    await sync(a, full(3, [person('p-1', '6154410')]));
    // What a full sync writing generation 99 leaves when the box loses power before switching to it.
    a.gateway.db.prepare("INSERT INTO access_persons (gen, id, kind, watch, lists, doors) VALUES (99, 'p-ghost', 'resident', 0, '[]', '[\"*\"]')").run();
    await a.gateway.stop();
    a = await startAccessGateway({ dataDir });
    expect(a.gateway.db.prepare("SELECT COUNT(*) FROM access_persons WHERE id = 'p-ghost'").pluck().get()).toBe(0);
    expect(await sync(a, delta(3, 4, { persons: [person('p-2', '6154420')] }))).toMatchObject({ status: 'done' });
    const r = await reader(a);
    expect((await r.present({ method: 'card', value: '6154410' })).action).toBe('grant');
    expect((await r.present({ method: 'card', value: '6154420' })).action).toBe('grant');
  });

  // How long the sync takes and what it costs events meanwhile (median, p99, max commit latency) are
  // benchmark figures, `npm run bench:access`; a timed bound here fails on a loaded machine. What is
  // checked is what keeps the event path free at any load: the list is written in many short turns.
  it('applies a 20,000-person full sync in many turns, events committed between them, none lost', async () => {
    a = await startAccessGateway();
    const g = a.gateway;
    const N = 20_000;
    const persons = Array.from({ length: N }, (_, i) => ({
      id: `p-${i}`,
      kind: 'resident',
      lists: i % 50 === 0 ? ['elderly-alone'] : [],
      doors: ['east-gate'],
      windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '05:00', to: '23:00' }],
      credentials: [{ method: 'card', value: String(10_000_000 + i) }, { method: 'pin', value: String(100_000 + i) }],
    }));
    const command = signed(a.gatewayId, 'access.sync', full(1, persons), ADMIN);
    // Persons of the generation being written, as each event meets them once it is committed: a sync in
    // one long transaction or turn would let events see only 0 or all 20,000.
    const written = g.db.prepare('SELECT COUNT(*) FROM access_persons WHERE gen = (SELECT MAX(gen) FROM access_persons)').pluck();
    const seen: number[] = [];
    let syncing = true;
    const probe = (async () => {
      while (syncing) {
        await g.testApi.emit({ device: 'east-gate', category: 'door', type: 'door.probe', data: {} });
        seen.push(written.get() as number);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await g.testApi.handleCommand(command.topic, command.payload);
    syncing = false;
    await probe;
    expect(replyTo(g, command.id)).toMatchObject({ status: 'done' });
    expect(g.db.prepare('SELECT COUNT(*) FROM access_persons').pluck().get()).toBe(N);
    expect(g.db.prepare('SELECT COUNT(*) FROM access_credentials').pluck().get()).toBe(2 * N);
    const partial = new Set(seen.filter((n) => n > 0 && n < N));
    expect(partial.size, `events committed while the list was part-written (${seen.length} events)`).toBeGreaterThanOrEqual(10);
    const r = await reader(a);
    expect(await r.present({ method: 'card', value: String(10_000_000 + 19_999) })).toMatchObject({ action: 'grant', person: 'p-19999' });
    expect(outboxEvents(g).filter((e) => e.type === 'door.probe')).toHaveLength(seen.length);
  });
});

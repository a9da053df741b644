/**
 * Issue 10: the gateway keeps deciding and recording with the township down, and every decision
 * reaches the township later, in order (real Mosquitto, stopped and started again). What the township
 * received holds no card number or PIN in clear and passes the contract's schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { ADMIN, clearTextLeaks, everythingWritten, ReaderClient, run, signed, startAccessGateway, waitFor, type AccessGateway } from './support/access-gateway.js';

const CARDS = Array.from({ length: 10 }, (_, i) => String(61_544_100 + i));
const PIN = '804217';

describe.runIf(requireTools('mosquitto'))('access decisions while the township is down', () => {
  const broker = new Mosquitto({ persistence: true });
  let probe: TownshipProbe;
  let a: AccessGateway;
  let reader: ReaderClient;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-access-outage');
    a = await startAccessGateway({ gatewayId: '370283104-outage-01', uplinkUrl: broker.url });
    await probe.waitFor(() => a.gateway.inspect().commandsReady, 15_000, 'the gateway online');
    const persons = CARDS.slice(0, 5).map((card, i) => ({ id: `p-${i}`, kind: 'resident', doors: ['east-gate'], credentials: [{ method: 'card', value: card }] }));
    persons.push({ id: 'p-pin', kind: 'staff', doors: ['west-gate'], credentials: [{ method: 'pin', value: PIN }] });
    expect(await run(a.gateway, signed(a.gatewayId, 'access.sync', { mode: 'full', version: 1, persons }, ADMIN))).toMatchObject({ status: 'done' });
    reader = await ReaderClient.connect(a.gateway.localPort, 'reader-east');
  });
  afterAll(async () => {
    await reader?.close();
    await a?.gateway.stop();
    await probe?.close();
    await broker.stop();
  });

  it('decides 60 times offline, answers every reader, and delivers all 60 in order after the outage', async () => {
    await broker.stop();
    await waitFor(() => a.gateway.inspect().uplinkState !== 'connected', 15_000, 'the uplink to notice the township down');
    const seen = probe.events.length;
    const answers: string[] = [];
    for (let i = 0; i < 60; i++) {
      const credential = i % 6 === 5 ? { method: 'pin', value: PIN } : { method: 'card', value: CARDS[i % 10] as string };
      answers.push(String((await reader.present(credential)).action));
    }
    // Cards 0-4 listed at this door, 5-9 unknown, the PIN for another door.
    const granted = Array.from({ length: 60 }, (_, i) => i % 6 !== 5 && i % 10 < 5).filter(Boolean).length;
    expect(answers.filter((x) => x === 'grant')).toHaveLength(granted);
    expect(granted).toBeGreaterThan(20);
    expect(probe.events.length).toBe(seen);
    const stored = (a.gateway.db.prepare("SELECT seq FROM outbox WHERE kind = 'event' AND topic LIKE '%/events/access' ORDER BY seq").pluck().all() as number[]);
    expect(stored).toHaveLength(60);

    await broker.start();
    await probe.waitFor(() => probe.events.filter((e) => e.category === 'access').length >= 60, 30_000, '60 access events at the township');
    const received = probe.events.filter((e) => e.category === 'access');
    const seqs = received.map((e) => e.seq);
    // Nothing lost, nothing twice, in the order decided.
    expect(new Set(seqs).size).toBe(60);
    expect(seqs).toEqual(stored);
    expect(received.map((e) => (e.type === 'access.granted' ? 'grant' : 'deny'))).toEqual(answers);
    expect(a.gateway.db.prepare('SELECT COUNT(*) FROM access_records').pluck().get()).toBe(60);
    await waitFor(() => a.gateway.inspect().backlog === 0, 15_000, 'the backlog to drain');
  });

  it('published nothing against the contract and no credential in clear, nor wrote one', () => {
    expect(probe.invalid).toEqual([]);
    const published = probe.messages.map((m) => m.payload.toString('utf8'));
    expect(clearTextLeaks([...published, ...everythingWritten(a, reader.answers.map((x) => JSON.stringify(x)))], [...CARDS, PIN])).toEqual([]);
  });
});

/** The console's small parts: seq ranges, topic parsing and subscriptions, message reading, terminal cells. */
import { describe, expect, it } from 'vitest';
import { monitorFilters, parseUplinkTopic } from '../../gateway/kernel/topics.js';
import { splitKeys } from '../../provisioning/township/monitor/screen.js';
import { RecentIds } from '../../provisioning/township/monitor/recent-ids.js';
import { SeqRanges } from '../../provisioning/township/monitor/seq-ranges.js';
import { age, displayWidth, fit, sanitize } from '../../provisioning/township/monitor/text-cells.js';
import { parseUplink } from '../../provisioning/township/monitor/uplink-message.js';
import { validateUplink } from '../support/contract.js';
import { envelope, eventTopic, evictionReport, villageEvent } from './envelopes.js';

describe('SeqRanges', () => {
  it('merges adjacent and overlapping members and reports the holes', () => {
    const r = new SeqRanges();
    for (const n of [5, 1, 2, 3, 9, 7, 8, 20]) r.add(n);
    expect(r.list()).toEqual([[1, 3], [5, 5], [7, 9], [20, 20]]);
    expect(r.holes()).toEqual([[4, 4], [6, 6], [10, 19]]);
    r.addRange(4, 12);
    expect(r.list()).toEqual([[1, 12], [20, 20]]);
    expect([r.min, r.max, r.size, r.has(12), r.has(13)]).toEqual([1, 20, 13, true, false]);
  });

  it('splits a range into the parts inside and outside the set', () => {
    const r = new SeqRanges();
    r.addRange(10, 20);
    r.addRange(30, 40);
    expect(r.split([5, 35])).toEqual({ inside: [[10, 20], [30, 35]], outside: [[5, 9], [21, 29]] });
    expect(r.split([12, 14])).toEqual({ inside: [[12, 14]], outside: [] });
    expect(r.split([41, 50])).toEqual({ inside: [], outside: [[41, 50]] });
  });

  it('stays one range for a million seqs in order', () => {
    const r = new SeqRanges();
    for (let n = 1; n <= 1_000_000; n++) r.add(n);
    expect(r.list()).toEqual([[1, 1_000_000]]);
  });
});

describe('RecentIds', () => {
  it('forgets the oldest ids beyond its capacity', () => {
    const ids = new RecentIds(2);
    expect([ids.add('a'), ids.add('a'), ids.add('b'), ids.add('c'), ids.add('a')]).toEqual([true, false, true, true, true]);
    expect(ids.size).toBe(2);
  });
});

describe('uplink topics', () => {
  const base = 'pingan/v1/370283104/370283104-xiejiayu-01';
  it('parses every uplink topic of the contract and nothing else', () => {
    expect(parseUplinkTopic(`${base}/status`)).toEqual({ kind: 'status', township: '370283104', gateway: '370283104-xiejiayu-01' });
    expect(parseUplinkTopic(`${base}/events/alarm`)).toMatchObject({ kind: 'event', category: 'alarm' });
    expect(parseUplinkTopic(`${base}/devices/door-1/state`)).toMatchObject({ kind: 'device-state', device: 'door-1' });
    expect(parseUplinkTopic(`${base}/replies/abc`)).toMatchObject({ kind: 'reply', commandId: 'abc' });
    expect(parseUplinkTopic(`${base}/snapshots/abc`)).toMatchObject({ kind: 'snapshot', eventId: 'abc' });
    expect(parseUplinkTopic(`${base}/metrics`)).toMatchObject({ kind: 'metrics' });
    for (const bad of [`${base}/cmd/ping`, `${base}/events/alarm/x`, `${base}/events`, 'pingan/v1/370283104/all/status', 'pingan/v2/t/g/status', `${base}/devices/d/x`]) {
      expect(parseUplinkTopic(bad), bad).toBeNull();
    }
  });

  it('subscribes to presence unshared and to events and replies shared when asked', () => {
    expect(monitorFilters({})).toEqual({ presence: ['pingan/v1/+/+/status', 'pingan/v1/+/+/metrics'], events: ['pingan/v1/+/+/events/+', 'pingan/v1/+/+/replies/+'] });
    expect(monitorFilters({ township: '370283104', gateways: ['a-01', 'b-02'], share: 'archivers' })).toEqual({
      presence: ['pingan/v1/370283104/a-01/status', 'pingan/v1/370283104/a-01/metrics', 'pingan/v1/370283104/b-02/status', 'pingan/v1/370283104/b-02/metrics'],
      events: [
        '$share/archivers/pingan/v1/370283104/a-01/events/+',
        '$share/archivers/pingan/v1/370283104/a-01/replies/+',
        '$share/archivers/pingan/v1/370283104/b-02/events/+',
        '$share/archivers/pingan/v1/370283104/b-02/replies/+',
      ],
    });
  });
});

describe('console keys', () => {
  it('splits what the terminal sent into keys: arrows whole, typed or pasted text character by character', () => {
    expect(splitKeys('a')).toEqual(['a']);
    expect(splitKeys('\x1b[A\x1b[Bj')).toEqual(['\x1b[A', '\x1b[B', 'j']);
    expect(splitKeys('误报 ok\r')).toEqual(['误', '报', ' ', 'o', 'k', '\r']);
    expect(splitKeys('\x1b')).toEqual(['\x1b']);
  });
});

describe('reading township messages', () => {
  it('reads events, status and metrics and leaves other topics alone', () => {
    const e = envelope('370283104-a-01', 3);
    const r = parseUplink(eventTopic(e), Buffer.from(JSON.stringify(e)));
    expect(r.ok && r.message?.kind === 'event' && r.message.event.seq).toBe(3);
    expect(parseUplink('pingan/v1/370283104/370283104-a-01/devices/d/state', Buffer.from('{}'))).toEqual({ ok: true, message: null });
    const m = parseUplink('pingan/v1/370283104/370283104-a-01/metrics', Buffer.from(JSON.stringify({ ts: 't', backlog: { depth: 3, oldestAgeSec: 1.5 } })));
    expect(m.ok && m.message).toMatchObject({ kind: 'metrics', metrics: { backlog: { depth: 3, oldestAgeSec: 1.5 } } });
    const reply = { id: 'c-1', status: 'rejected', ts: 't', error: { code: 'forbidden', message: 'no door role' } };
    const rp = parseUplink('pingan/v1/370283104/370283104-a-01/replies/c-1', Buffer.from(JSON.stringify(reply)));
    expect(rp.ok && rp.message).toEqual({ kind: 'reply', township: '370283104', gateway: '370283104-a-01', reply });
    const other = parseUplink('pingan/v1/370283104/370283104-a-01/replies/c-2', Buffer.from(JSON.stringify(reply)));
    expect(other.ok ? 'ok' : other.reason).toMatch(/differs from its topic/);
  });

  it('says why a message is unreadable', () => {
    const e = envelope('370283104-a-01', 3);
    const reason = (topic: string, body: unknown) => {
      const r = parseUplink(topic, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(eventTopic(e), 'nope')).toMatch(/not JSON/);
    expect(reason(eventTopic(e), { ...e, seq: 0 })).toMatch(/seq/);
    expect(reason(eventTopic(e), { ...e, severity: 'high' })).toMatch(/severity "high"/);
    expect(reason(eventTopic({ ...e, category: 'alarm' }), e)).toMatch(/category "door" differs/);
    expect(reason('pingan/v1/t/370283104-b-02/events/door', e)).toMatch(/gateway "370283104-a-01" differs/);
    expect(reason('pingan/v1/t/g/status', { ts: 't' })).toMatch(/online/);
    expect(reason('elsewhere/x', {})).toMatch(/not a contract uplink topic/);
  });

  it('the test envelopes are contract-valid', () => {
    for (const e of [envelope('370283104-a-01', 1), evictionReport('370283104-a-01', 2, [[1, 1]]), ...Array.from({ length: 50 }, (_, i) => villageEvent('370283104-a-01', i + 1))]) {
      expect(validateUplink(eventTopic(e), JSON.stringify(e))).toEqual({ ok: true, kind: 'event' });
    }
  });
});

describe('terminal cells', () => {
  it('counts Chinese as two columns, cuts with an ellipsis and pads to the width', () => {
    expect(displayWidth('在线 online')).toBe(11);
    expect(fit('离线', 6)).toBe('离线  ');
    expect(fit('谢家峪村东门', 7)).toBe('谢家峪…');
    expect(fit('谢家峪村东门', 8)).toBe('谢家峪… ');
    expect(displayWidth(fit('谢家峪村东门', 7))).toBe(7);
    expect(fit('abcdef', 4)).toBe('abc…');
  });

  it('replaces control characters so a payload cannot drive the terminal', () => {
    expect(sanitize('door\x1b[2J\x07 open\nnow')).toBe('door?[2J? open now');
  });

  it('writes ages that fit a narrow column', () => {
    expect([age(5_000), age(192_000), age(3 * 3600_000 + 300_000), age(50 * 3600_000)]).toEqual(['5s', '3m12s', '3h05m', '2d02h']);
  });
});

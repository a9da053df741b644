/**
 * The duty officer's views besides the event list (issue 16, item 4), from the model to the renderer's
 * lines: devices with a standing problem from their retained states, a gateway's going offline and
 * coming back as entries of their own, command replies, notices queued per village, recent history
 * from the archive, and the keys that page, filter and switch the list — each line cut to the width.
 */
import { describe, expect, it } from 'vitest';
import type { AlarmCase } from '../../provisioning/township/archive/store.js';
import type { DeskView } from '../../provisioning/township/monitor/alarm-desk.js';
import { parseDeviceState } from '../../provisioning/township/monitor/device-table.js';
import { KEYS, ListControls } from '../../provisioning/township/monitor/list-view.js';
import { MonitorModel } from '../../provisioning/township/monitor/model.js';
import { renderScreen } from '../../provisioning/township/monitor/render.js';
import { splitKeys } from '../../provisioning/township/monitor/screen.js';
import { displayWidth } from '../../provisioning/township/monitor/text-cells.js';
import type { EventEnvelope } from '../../provisioning/township/monitor/uplink-message.js';
import { birthMsg, envelope, eventMsg, offlineMsg, TOWNSHIP } from './envelopes.js';

const A = '370283104-xiejiayu-01';
const B = '370283104-dongcun-02';
const stateTopic = (gw: string, device: string) => `pingan/v1/${TOWNSHIP}/${gw}/devices/${device}/state`;
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function state(m: MonitorModel, gw: string, device: string, payload: unknown, now: number): void {
  const p = parseDeviceState(stateTopic(gw, device), Buffer.from(payload === '' ? '' : JSON.stringify(payload)));
  if (!p?.ok) throw new Error(`not a device state: ${JSON.stringify(p)}`);
  m.deviceState(p.message, now);
}

function frame(m: MonitorModel, list: ListControls, size = { width: 150, height: 40, colour: false }, now = 100_000, desk: DeskView | null = null): string[] {
  const page = list.apply({ events: m.events(2000), devices: m.devices.problems(), replies: m.replies.list(), notices: m.notices.list() }, size.height);
  return renderScreen({ broker: 'mqtt://t', link: 'connected', filter: {}, share: null, stats: m.stats, gateways: m.gateways(now), events: page.events, archive: null, list: page.list, desk, now }, size);
}

const alarmCase = (state: 'open' | 'acknowledged'): AlarmCase => ({ eventId: `e-${state}`, township: TOWNSHIP, gateway: A, device: 'panic-east-gate-很长的名字', type: 'panic.pressed', severity: 'critical', atMs: 1, state, ackBy: state === 'open' ? null : '张三', ackMs: state === 'open' ? null : 5, note: null, closedBy: null, closedMs: null });

const broadcast = (gw: string, seq: number, type: string, data: Record<string, unknown>): EventEnvelope => envelope(gw, seq, { category: 'broadcast', type, device: gw, data: { priority: 'normal', ...data } });

describe('device-state table', () => {
  it('lists offline, faulted, degraded and raised devices, keeps when a problem began, drops mended and cleared ones', () => {
    const m = new MonitorModel();
    const ts = (ms: number) => new Date(ms).toISOString();
    state(m, A, 'panic-east-gate', { ts: ts(1000), online: true, state: { active: false, alarm: false, fault: 'chatter' } }, 1000);
    state(m, A, 'siren', { ts: ts(2000), online: false, state: { on: false } }, 2000);
    state(m, B, 'cam-1', { ts: ts(3000), online: true, state: {}, health: { status: 'degraded', detail: 'snapshot timeout' } }, 3000);
    state(m, B, 'smoke', { ts: ts(4000), online: true, state: { active: true, alarm: true, fault: null } }, 4000);
    state(m, B, 'door-west', { ts: ts(4000), online: true, state: { open: false } }, 4000);
    // The same fault again later: it has stood since the first sighting.
    state(m, A, 'panic-east-gate', { ts: ts(50_000), online: true, state: { active: false, alarm: false, fault: 'chatter' } }, 50_000);
    expect(m.devices.problems().map((d) => [d.device, d.problem, d.detail, d.since])).toEqual([
      ['siren', 'offline', '', 2000],
      ['panic-east-gate', 'fault', 'chatter', 1000],
      ['cam-1', 'degraded', 'snapshot timeout', 3000],
      ['smoke', 'alarm', 'input raised', 4000],
    ]);
    expect(m.devices.counts).toEqual({ devices: 5, problems: 4 });
    state(m, A, 'siren', { ts: ts(60_000), online: true, state: { on: false } }, 60_000);
    state(m, B, 'smoke', '', 60_000);
    expect(m.devices.problems().map((d) => d.device)).toEqual(['panic-east-gate', 'cam-1']);
    expect(parseDeviceState(stateTopic(A, 'x'), Buffer.from('{"online":1}'))).toEqual({ ok: false, reason: 'device state needs "ts", "online" and an object "state"' });
    expect(parseDeviceState(`pingan/v1/${TOWNSHIP}/${A}/status`, Buffer.from('{}'))).toBeNull();

    const list = new ListControls();
    list.key('v');
    const screen = frame(m, list, undefined, 100_000).map(plain);
    expect(screen.join('\n')).toMatch(/DEVICES 设备故障\/离线 · 1–2 of 2/);
    expect(screen.find((l) => l.includes('panic-east-gate'))).toMatch(/^FAULT 故障\s+370283104-xiejiayu-01\s+panic-east-gate\s+1m39s\s+chatter/);
  });
});

describe('gateway offline entries', () => {
  it('lists a gateway going offline, with when and why, and its coming back; a retained online at start is no entry', () => {
    const m = new MonitorModel();
    m.ingest(birthMsg(A), 1000);
    m.ingest(birthMsg(B), 1000);
    m.ingest(offlineMsg(A, 'lwt'), 5000);
    m.ingest(offlineMsg(A, 'lwt'), 5100); // the retained will again at a reconnect of the console
    m.ingest(offlineMsg(B, 'shutdown'), 6000);
    m.ingest(birthMsg(A), 9000);
    const rows = m.events(10).map((r) => [r.event.gateway, r.event.type, r.event.severity, r.receivedAt, r.event.data.reason ?? null]);
    expect(rows).toEqual([
      [A, 'gateway.offline', 'major', 5000, 'lwt'],
      [B, 'gateway.offline', 'minor', 6000, 'shutdown'],
      [A, 'gateway.online', 'info', 9000, null],
    ]);
    const text = frame(m, new ListControls(), undefined, 10_000).map(plain).join('\n');
    expect(text).toMatch(/major 重要\s+370283104-xiejiayu-01\s+-\s+GATEWAY OFFLINE 网关离线\s+lwt · link or power lost 断线\/断电/);
    expect(text).toMatch(/minor 一般\s+370283104-dongcun-02\s+-\s+GATEWAY OFFLINE 网关离线\s+shutdown · shut down 正常关机/);
    expect(text).toMatch(/info 信息\s+370283104-xiejiayu-01\s+-\s+gateway back 网关恢复/);
    // A console started while a gateway is already down is told so.
    const late = new MonitorModel();
    late.ingest(offlineMsg(A, 'lwt'), 1);
    expect(late.events(5).map((r) => [r.event.type, r.event.data.seen])).toEqual([['gateway.offline', 'offline when the console started 启动时已离线']]);
    expect(m.events(10).every((r) => r.event.data.seen === undefined)).toBe(true);
  });
});

describe('replies and notices', () => {
  it('shows each command\'s latest answer per gateway, with its code', () => {
    const m = new MonitorModel();
    const reply = (gw: string, id: string, status: 'accepted' | 'done' | 'rejected', now: number, error?: { code: string; message: string }) =>
      m.ingest({ kind: 'reply', township: TOWNSHIP, gateway: gw, reply: { id, status, ts: new Date(now).toISOString(), ...(error ? { error } : {}) } }, now);
    const id = '0193c0de-7a1b-7c3e-9f00-5b2a1c9d4e11';
    reply(A, id, 'accepted', 1000);
    reply(B, id, 'rejected', 1500, { code: 'forbidden', message: 'key lacks role broadcast' });
    reply(A, id, 'done', 2000);
    expect(m.replies.list().map((r) => [r.gateway, r.status, r.code])).toEqual([[A, 'done', null], [B, 'rejected', 'forbidden']]);
    const list = new ListControls();
    list.key('v');
    list.key('v');
    const text = frame(m, list).map(plain).join('\n');
    expect(text).toMatch(/REPLIES 指令回执 · 1–2 of 2/);
    expect(text).toMatch(/rejected 已拒绝\s+370283104-dongcun-02\s+0193c0de-7a1b-7c3e-9f00-5b2a1c9d4e11\s+forbidden key lacks role broadcast/);
  });

  it('lists the notices queued per village from their broadcast events until heard as often as asked or ended', () => {
    const m = new MonitorModel();
    const ev = (e: EventEnvelope, now: number) => m.ingest(eventMsg(e), now);
    ev(broadcast(A, 1, 'broadcast.queued', { broadcast: 'n1', text: '今晚有雨，请关好门窗', plays: 2, at: '2026-11-23T21:40:00+08:00' }), 1000);
    ev(broadcast(B, 1, 'broadcast.queued', { broadcast: 'n1', text: '今晚有雨，请关好门窗', plays: 2 }), 1000);
    ev(broadcast(A, 2, 'broadcast.queued', { broadcast: 'n2', sound: 'chime', priority: 'emergency', plays: 1 }), 1100);
    ev(broadcast(A, 3, 'broadcast.started', { broadcast: 'n1', play: 1, plays: 2 }), 1200);
    ev(broadcast(A, 4, 'broadcast.finished', { broadcast: 'n1', play: 1, plays: 2 }), 1300);
    ev(broadcast(A, 5, 'broadcast.started', { broadcast: 'n2', play: 1, plays: 1 }), 1400);
    ev(broadcast(B, 2, 'broadcast.cancelled', { broadcast: 'n1', played: 0, plays: 2 }), 1500);
    expect(m.notices.list().map((n) => [n.gateway, n.id, n.state, `${n.played}/${n.plays}`, n.content])).toEqual([
      [A, 'n1', 'waiting', '1/2', '今晚有雨，请关好门窗'],
      [A, 'n2', 'playing', '0/1', 'chime'],
    ]);
    const list = new ListControls();
    for (let i = 0; i < 3; i++) list.key('v');
    const text = frame(m, list).map(plain).join('\n');
    expect(text).toMatch(/NOTICES 广播队列 · 1–2 of 2/);
    expect(text).toMatch(/370283104-xiejiayu-01\s+waiting 待播\s+normal\s+1\/2\s+2026-11-23T21:40:00\s+今晚有雨，请关好门窗\s+n1/);
    expect(text).toMatch(/playing 播放中\s+emergency\s+0\/1/);
    ev(broadcast(A, 6, 'broadcast.finished', { broadcast: 'n1', play: 2, plays: 2 }), 2000);
    ev(broadcast(A, 7, 'broadcast.finished', { broadcast: 'n2', play: 1, plays: 1 }), 2000);
    expect(m.notices.list()).toEqual([]);
    expect(m.notices.ended).toBe(3);
  });
});

describe('the list keys', () => {
  const model = (): MonitorModel => {
    const m = new MonitorModel();
    for (let s = 1; s <= 45; s++) m.ingest(eventMsg(envelope(A, s, { device: s % 5 === 0 ? '东门-reader' : 'door-east', severity: s % 9 === 0 ? 'major' : 'info' })), s);
    return m;
  };

  it('pages with PgDn/PgUp, filters by typed text and by a cycled severity, and leaves the desk\'s keys alone', () => {
    const m = model();
    const list = new ListControls();
    list.pageRows = 10;
    const heading = () => frame(m, list, { width: 120, height: 30, colour: false }).map(plain).find((l) => l.startsWith('EVENTS 事件')) as string;
    expect(heading()).toMatch(/^EVENTS 事件 · 1–\d+ of 45/);
    expect(splitKeys(`${KEYS.pageDown}${KEYS.pageDown}${KEYS.pageUp}`)).toEqual([KEYS.pageDown, KEYS.pageDown, KEYS.pageUp]);
    for (const k of splitKeys(`${KEYS.pageDown}${KEYS.pageDown}${KEYS.pageUp}`)) expect(list.key(k)).toBe(true);
    expect(heading()).toMatch(/^EVENTS 事件 · 11–\d+ of 45/);
    // Past the end stops at the last page.
    for (let i = 0; i < 9; i++) list.key(KEYS.pageDown);
    const last = frame(m, list, { width: 120, height: 30, colour: false }).map(plain);
    expect(last.find((l) => l.startsWith('EVENTS'))).toMatch(/ of 45$|of 45 /);
    expect(last.filter((l) => /^\d\d:\d\d:\d\d /.test(l)).length).toBeGreaterThan(0);
    list.key(KEYS.home);
    expect(list.offset).toBe(0);

    for (const k of ['a', 'c', 'j', 'k', '\x1b[A', '\x1b[B', 'q']) expect(list.key(k)).toBe(false);
    list.key('/');
    for (const ch of '东门') list.key(ch);
    expect(heading()).toContain('filter 筛选 (Enter applies, Esc cancels): 东门_');
    list.key('\r');
    expect(heading()).toMatch(/^EVENTS 事件 · 1–9 of 9 · text "东门"/);
    list.key('s');
    expect(heading()).toMatch(/none 无 · severity ≥ critical · text "东门"/);
    list.key('s');
    list.key('/');
    list.key('\x7f');
    list.key('\x7f');
    list.key('\r');
    expect(heading()).toMatch(/^EVENTS 事件 · 1–5 of 5 · severity ≥ major\s*$/);
    list.key('/');
    list.key('x');
    list.key('\x1b');
    expect(heading()).toMatch(/^EVENTS 事件 · 1–5 of 5 · severity ≥ major\s*$/);
    expect(plain(frame(m, list).at(-1) as string)).toMatch(/PgUp\/PgDn page 翻页 · \/ filter 筛选 · s severity 级别 · v view 视图 \(now events\) · q quit/);
  });

  it('cuts every line of every view to the terminal width', () => {
    const m = model();
    state(m, A, 'panic-东门-很长的名字很长的名字', { ts: new Date().toISOString(), online: false, state: { fault: '断线'.repeat(40) } }, 1);
    m.ingest(eventMsg(broadcast(A, 99, 'broadcast.queued', { broadcast: 'n1', text: '今晚有雨'.repeat(40), plays: 1 })), 1);
    m.ingest({ kind: 'reply', township: TOWNSHIP, gateway: A, reply: { id: 'x'.repeat(60), status: 'failed', ts: 'now', error: { code: 'speech', message: '播放失败'.repeat(30) } } }, 1);
    m.ingest(offlineMsg(B), 1);
    // The gateways table (71 columns of cells) and the desk's rows ran past 60 and 80 columns before.
    const desk: DeskView = { cases: [alarmCase('open'), alarmCase('acknowledged')], selected: 0, operator: '张三', note: '', message: '' };
    for (const width of [60, 80, 150]) {
      const list = new ListControls();
      for (let v = 0; v < 4; v++) {
        const lines = frame(m, list, { width, height: 24, colour: true }, 100_000, desk);
        expect(lines).toHaveLength(24);
        for (const l of lines) expect(displayWidth(plain(l)), `${list.view} at ${width}: ${plain(l)}`).toBeLessThanOrEqual(Math.max(60, width));
        list.key('v');
      }
    }
  });
});

describe('recent history', () => {
  it('lists the archive\'s last events at start without counting their seq holes as loss, and not twice when they come live', () => {
    const m = new MonitorModel({ settleMs: 0 });
    const old = [envelope(A, 7, { type: 'door.forced', severity: 'major' }), envelope(A, 40), envelope(B, 3)];
    expect(m.history(old.map((event, i) => ({ township: TOWNSHIP, receivedAt: 1000 + i, event })))).toBe(3);
    m.ingest(birthMsg(A), 2000);
    m.ingest(eventMsg(old[1] as EventEnvelope), 2000); // redelivered after the console's start
    m.ingest(eventMsg(envelope(A, 41)), 2100);
    expect(m.events(10).map((r) => `${r.event.gateway === A ? 'A' : 'B'}${r.event.seq}`)).toEqual(['A7', 'A41', 'B3', 'A40']);
    expect(m.stats.duplicates).toBe(1);
    expect(m.gateways(50_000).find((g) => g.gateway === A)?.gaps).toMatchObject({ unexplained: 0 });
    // Outside the console's filter: not listed.
    const only = new MonitorModel({ filter: { gateways: [B] } });
    expect(only.history(old.map((event) => ({ township: TOWNSHIP, receivedAt: 1, event })))).toBe(1);
  });
});

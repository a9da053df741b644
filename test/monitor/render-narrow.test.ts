/**
 * The console at 80 columns and after a drain (issue 8, finding 25): gateway ids keep the part that
 * tells them apart, and a backlog that has drained is not shown as still waiting.
 */
import { describe, expect, it } from 'vitest';
import { MonitorModel, type GatewayRow } from '../../provisioning/township/monitor/model.js';
import { renderScreen, type ScreenInput } from '../../provisioning/township/monitor/render.js';
import { displayWidth } from '../../provisioning/township/monitor/text-cells.js';
import { birthMsg, envelope, eventMsg } from './envelopes.js';

const IDS = ['370283104-xiejiayu-01', '370283104-dongcun-02', '370283104-a-very-long-village-name-03'];

function input(gateways: GatewayRow[], m: MonitorModel, now: number): ScreenInput {
  return { broker: 'mqtt://township:1883', link: 'connected', filter: {}, share: null, stats: m.stats, gateways, events: m.events(20), archive: null, now };
}

describe('console at 80 columns', () => {
  it('shows what tells the gateway ids apart, not the township prefix they share', () => {
    const m = new MonitorModel();
    IDS.forEach((id, i) => {
      m.ingest(birthMsg(id, 0), 0);
      m.ingest(eventMsg(envelope(id, 1)), 100 + i);
    });
    const lines = renderScreen(input(m.gateways(1000), m, 1000), { width: 80, height: 30, colour: false });
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    // Before: every row read "370283104-x…", "370283104-d…", "370283104-a…".
    expect(text).not.toMatch(/370283104-\w…/);
    expect(text).toMatch(/STATE 状态\s+370283104-…\s+BACKLOG/);
    expect(text).toMatch(/online 在线\s+xiejiayu-01\s/);
    expect(text).toMatch(/online 在线\s+dongcun-02\s/);
    expect(text).toMatch(/online 在线\s+…\S*name-03\s/);
    const events = lines.filter((l) => /^\d\d:\d\d:\d\d /.test(l));
    expect(events).toHaveLength(3);
    for (const e of events) expect(e).toMatch(/info 信息\s+(xiejiayu-01|dongcun-02|…\S*-03)\s/);
  });
});

describe('backlog after a drain', () => {
  const row = (events: number): GatewayRow => ({ township: '370283104', gateway: IDS[0]!, state: 'online', reason: null, backlog: 57, backlogAgeSec: 40, lastEventAt: 0, events, duplicates: 0, gaps: null, backlogAt: 1000, eventsAtBacklog: 10 });
  const cell = (r: GatewayRow) => {
    const m = new MonitorModel();
    const line = renderScreen(input([r], m, 5000), { width: 140, height: 20, colour: false }).find((l) => l.includes(IDS[0]!)) ?? '';
    return /370283104-xiejiayu-01\s+(\S+(?: \S+)?)\s{2,}/.exec(line)?.[1];
  };

  it('counts off the events delivered since the figure, down to 0', () => {
    expect(cell(row(10))).toBe('57 40s'); // as measured: 57 waiting, the oldest 40 s old
    expect(cell(row(40))).toBe('~27'); // 30 delivered since
    expect(cell(row(80))).toBe('0'); // drained: before, "57 40s" until the next metrics message
  });

  it('counts off what the model received since the gateway said how much was waiting', () => {
    const m = new MonitorModel();
    m.ingest(birthMsg(IDS[0]!, 3), 0); // the birth says 3 rows are waiting
    expect(m.gateways(0)[0]).toMatchObject({ backlog: 3, backlogAt: 0, eventsAtBacklog: 0 });
    for (const s of [1, 2, 3]) m.ingest(eventMsg(envelope(IDS[0]!, s)), 10 * s);
    expect(cell(m.gateways(100)[0]!)).toBe('0');
  });
});

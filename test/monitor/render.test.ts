/** The console screen as an operator sees it, rendered from a model. */
import { describe, expect, it } from 'vitest';
import { MonitorModel } from '../../provisioning/township/monitor/model.js';
import { renderScreen, type ScreenInput } from '../../provisioning/township/monitor/render.js';
import { displayWidth } from '../../provisioning/township/monitor/text-cells.js';
import { birthMsg, envelope, eventMsg, evictionReport, offlineMsg } from './envelopes.js';

const A = '370283104-xiejiayu-01';
const B = '370283104-dongcun-02';
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function screen(colour: boolean, width = 140, height = 24): string[] {
  const m = new MonitorModel({ settleMs: 0 });
  m.link = 'connected';
  m.ingest(birthMsg(A, 3), 0);
  m.ingest(offlineMsg(B, 'lwt'), 0);
  for (const s of [1, 2, 3, 8, 9]) m.ingest(eventMsg(envelope(A, s)), 1000);
  m.ingest(eventMsg(evictionReport(A, 10, [[4, 5]])), 1000);
  m.ingest(eventMsg(envelope(A, 11, { severity: 'critical', category: 'alarm', type: 'panic.pressed', device: 'panic-east\x07gate', data: { zone: '东门', evil: '\x1b[2J' } })), 2000);
  const input: ScreenInput = { broker: 'mqtts://township.example:8883', link: m.link, filter: { minSeverity: 'info' }, share: null, stats: m.stats, gateways: m.gateways(5000), events: m.events(height), archive: { file: 'township.db', stored: 7 }, now: 5000 };
  return renderScreen(input, { width, height, colour });
}

describe('console screen', () => {
  it('shows the gateways table with offline first, backlog, last event and seq gaps', () => {
    const text = screen(false).join('\n');
    expect(text).toContain('connected 已连接');
    expect(text).toMatch(/gateways 网关 2: 1 online 在线 · 1 offline 离线/);
    expect(text).toContain('archive township.db: 7 stored');
    const lines = screen(false);
    const rowA = lines.find((l) => l.includes(A))!;
    const rowB = lines.find((l) => l.includes(B))!;
    expect(lines.indexOf(rowB)).toBeLessThan(lines.indexOf(rowA));
    expect(rowB).toMatch(/OFFLINE 离线 lwt/);
    // The birth said 3 were waiting; 7 events have arrived since, so none is shown as waiting (issue 8, #25).
    expect(rowA).toMatch(/online 在线\s+370283104-xiejiayu-01\s+0\s+3s ago\s+7\s+LOST 丢失 2: 6-7 · evicted 已淘汰 2/);
  });

  it('lists events most severe first, coloured by severity, with device text made harmless', () => {
    const lines = screen(true);
    const critical = lines.find((l) => l.includes('panic.pressed'))!;
    expect(critical).toContain('\x1b[1;97;41mCRITICAL 紧急');
    expect(critical).not.toContain('\x1b[2J');
    expect(critical).toContain('panic-east?gate');
    expect(plain(critical)).toContain('#11 {"zone":"东门","evil":"\\u001b[2J"}');
    const events = lines.map(plain).filter((l) => /^\d\d:\d\d:\d\d /.test(l));
    expect(events[0]).toContain('CRITICAL');
    expect(events.at(-1)).toContain('info');
  });

  it('fits the terminal: exactly its height, no line wider than it, even at 80 columns', () => {
    for (const [w, h] of [[80, 20], [140, 24], [200, 50]] as const) {
      const lines = screen(true, w, h);
      expect(lines).toHaveLength(h);
      for (const l of lines) expect(displayWidth(plain(l)), l).toBeLessThanOrEqual(w);
    }
  });
});

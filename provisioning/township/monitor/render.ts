/**
 * The console screen as lines of text: a pure function of the model's view and the terminal size, so
 * tests read exactly what an operator sees. Status words carry Chinese beside English (在线/离线) for
 * duty staff who read Chinese first; colour follows severity and state, and NO_COLOR turns it off.
 * Every cell is cut to its column width, so no line is longer than the terminal is wide.
 */
import type { DeskView } from './alarm-desk.js';
import { describeFilter, type MonitorFilter } from './filter.js';
import type { GapSummary } from './gaps.js';
import type { EventRow, GatewayRow, GatewayState, LinkState } from './model.js';
import type { Severity } from './uplink-message.js';
import { gatewayLabels } from './gateway-labels.js';
import { age, displayWidth, fit, sanitize } from './text-cells.js';

export interface ScreenInput {
  broker: string;
  link: LinkState;
  filter: MonitorFilter;
  share: string | null;
  stats: { events: number; duplicates: number; invalid: number };
  gateways: GatewayRow[];
  events: EventRow[];
  /** Archive file and rows stored, when archiving. */
  archive: { file: string; stored: number } | null;
  /** The alarm desk (`--alarms`), or null. */
  desk?: DeskView | null | undefined;
  now: number;
}

export interface ScreenSize {
  width: number;
  height: number;
  colour: boolean;
}

const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', alarm: '1;97;41' } as const;
type Style = keyof typeof SGR;

const LINK: Record<LinkState, [string, Style]> = { connected: ['connected 已连接', 'green'], connecting: ['connecting 连接中', 'yellow'], disconnected: ['DISCONNECTED 已断开', 'alarm'] };
const STATE: Record<GatewayState, [string, Style]> = { online: ['● online 在线', 'green'], offline: ['● OFFLINE 离线', 'red'], silent: ['● silent 无消息', 'yellow'], unknown: ['? unknown 未知', 'dim'] };
const SEVERITY: Record<Severity, [string, Style]> = { critical: ['CRITICAL 紧急', 'alarm'], major: ['major 重要', 'red'], minor: ['minor 一般', 'yellow'], info: ['info 信息', 'dim'] };

const hhmmss = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);
const range = ([a, b]: readonly [number, number]): string => (a === b ? `${a}` : `${a}-${b}`);

export function renderScreen(input: ScreenInput, size: ScreenSize): string[] {
  const paint = (style: Style, s: string): string => (size.colour ? `\x1b[${SGR[style]}m${s}\x1b[0m` : s);
  const W = Math.max(60, size.width);
  const out: string[] = [];

  const [linkText, linkStyle] = LINK[input.link];
  const head = `vgw monitor · 监控中心 · ${hhmmss(input.now)} · `;
  out.push(paint('bold', head) + paint(linkStyle, linkText) + fit(` · ${sanitize(input.broker)}`, W - displayWidth(head) - displayWidth(linkText)));
  const count = (s: GatewayState) => input.gateways.filter((g) => g.state === s).length;
  // The table takes at most half the screen; the rest is the event list.
  const gw = Math.max(12, Math.min(28, W - 81));
  const tableRows = Math.max(1, Math.min(input.gateways.length, Math.floor((size.height - 9) / 2)));
  const shown = input.gateways.slice(0, tableRows);
  const names = gatewayLabels(shown.map((g) => sanitize(g.gateway)), gw);
  const share = input.share ? ` · shared group "${input.share}": this console gets a share of the events` : '';
  out.push(fit(`gateways 网关 ${input.gateways.length}: ${count('online')} online 在线 · ${count('offline')} offline 离线 · ${count('silent')} silent 无消息 · filter: ${describeFilter(input.filter)}${share}`, W));
  const archive = input.archive ? ` · archive ${input.archive.file}: ${input.archive.stored} stored` : '';
  out.push(fit(`events 事件 ${input.stats.events} · duplicates dropped ${input.stats.duplicates} · unreadable ${input.stats.invalid}${archive}`, W));
  out.push('');
  if (input.desk) out.push(...deskLines(input.desk, input.now, W, Math.max(3, Math.floor(size.height / 4)), paint));

  const gapsWidth = W - (24 + gw + 12 + 10 + 8 + 5);
  out.push(paint('bold', `${fit('STATE 状态', 24)} ${fit(names.prefix ? `${names.prefix}…` : 'GATEWAY 网关', gw)} ${fit('BACKLOG', 12)} ${fit('LAST EVENT', 10)} ${fit('EVENTS', 8)} ${fit('SEQ GAPS 序号缺口', gapsWidth)}`));
  for (const g of shown) {
    const [stateText, stateStyle] = STATE[g.state];
    const backlog = backlogCell(g);
    const last = g.lastEventAt === null ? '-' : `${age(input.now - g.lastEventAt)} ago`;
    const [gapText, gapStyle] = gaps(g.gaps);
    out.push(`${paint(stateStyle, fit(`${stateText}${g.reason ? ` ${g.reason}` : ''}`, 24))} ${names.label(sanitize(g.gateway))} ${fit(backlog, 12)} ${fit(last, 10)} ${fit(String(g.events), 8)} ${paint(gapStyle, fit(gapText, gapsWidth))}`);
  }
  if (input.gateways.length > shown.length) out.push(paint('dim', fit(`… ${input.gateways.length - shown.length} more gateways (problems are listed first)`, W)));
  out.push('');

  // Event columns share what the time and severity leave, data getting the rest.
  const flex = W - 8 - 13 - 5;
  const [g2, dev, type] = [Math.min(24, Math.floor(flex * 0.25)), Math.min(18, Math.floor(flex * 0.18)), Math.min(24, Math.floor(flex * 0.22))];
  const data = flex - g2 - dev - type;
  const rows = input.events.slice(0, Math.max(0, size.height - out.length - 3));
  const sources = gatewayLabels(rows.map((r) => sanitize(r.event.gateway)), g2);
  out.push(paint('bold', `${fit('TIME', 8)} ${fit('SEVERITY 级别', 13)} ${fit(sources.prefix ? `${sources.prefix}…` : 'GATEWAY', g2)} ${fit('DEVICE', dev)} ${fit('TYPE', type)} ${fit('SEQ / DATA   most severe first 按级别', data)}`));
  for (const { receivedAt, event: e } of rows) {
    const [sevText, sevStyle] = SEVERITY[e.severity];
    out.push(`${hhmmss(receivedAt)} ${paint(sevStyle, fit(sevText, 13))} ${sources.label(sanitize(e.gateway))} ${fit(sanitize(e.device), dev)} ${fit(sanitize(e.type), type)} ${fit(sanitize(`#${e.seq} ${JSON.stringify(e.data)}`), data)}`);
  }
  while (out.length < size.height - 1) out.push('');
  const keys = input.desk?.operator ? '↑↓ select · a acknowledge 接警 · c close 结案 · ' : '';
  out.push(paint('dim', fit(`${keys}q quit 退出 · listens only: acknowledges nothing on the gateways' behalf 仅监听`, W)));
  return out.slice(0, size.height);
}

/** The open alarms, critical first, with who acknowledged them; and the note being typed. */
function deskLines(d: DeskView, now: number, W: number, rows: number, paint: (style: Style, s: string) => string): string[] {
  const open = d.cases.filter((c) => c.state === 'open').length;
  const out = [paint('bold', fit(`ALARMS 告警处理: ${open} open 未接警 · ${d.cases.length - open} acknowledged 已接警${d.operator ? ` · operator 值班员 ${sanitize(d.operator)}` : ' · read only 只读'}${d.message ? ` · ${sanitize(d.message)}` : ''}`, W))];
  const shown = d.cases.slice(0, rows);
  const gw = Math.min(26, Math.floor(W * 0.22));
  for (const [i, c] of shown.entries()) {
    const [sevText, sevStyle] = SEVERITY[c.severity];
    const state = c.state === 'open' ? paint('alarm', 'OPEN 未接警') : paint('yellow', `acknowledged 已接警 ${sanitize(c.ackBy ?? '')} ${c.ackMs === null ? '' : hhmmss(c.ackMs)}`);
    out.push(`${i === d.selected ? '>' : ' '} ${hhmmss(c.atMs)} ${paint(sevStyle, fit(sevText, 13))} ${fit(sanitize(c.gateway), gw)} ${fit(sanitize(c.device), 16)} ${fit(sanitize(c.type), 20)} ${state} ${paint('dim', age(now - c.atMs))}`);
  }
  if (d.cases.length > shown.length) out.push(paint('dim', fit(`… ${d.cases.length - shown.length} more open alarms`, W)));
  if (d.note !== null) out.push(fit(`处警记录 what was done (Enter closes the case, Esc cancels): ${sanitize(d.note)}_`, W));
  out.push('');
  return out;
}

/**
 * The backlog as measured (with the age of its oldest message), or, once events have arrived since the
 * measurement, what is left of it: `~n` — never a drained backlog shown as still waiting.
 */
function backlogCell(g: GatewayRow): string {
  if (g.backlog === null) return '-';
  // Events received since the figure was measured were delivered from that backlog: count them off,
  // so a drained backlog never shows as still waiting until the next metrics message.
  const since = g.eventsAtBacklog === null ? 0 : g.events - g.eventsAtBacklog;
  if (since <= 0) return `${g.backlog}${g.backlogAgeSec ? ` ${age(g.backlogAgeSec * 1000)}` : ''}`;
  const left = Math.max(0, g.backlog - since);
  return left === 0 ? '0' : `~${left}`;
}

function gaps(g: GapSummary | null): [string, Style] {
  if (!g) return ['n/a (shared subscription)', 'dim'];
  const parts: string[] = [];
  if (g.unexplained) parts.push(`LOST 丢失 ${g.unexplained}: ${g.unexplainedRanges.slice(0, 3).map(range).join(',')}${g.unexplainedRanges.length > 3 ? ',…' : ''}`);
  if (g.explained) parts.push(`evicted 已淘汰 ${g.explained}`);
  if (g.pending) parts.push(`in transit ${g.pending}`);
  const style: Style = g.unexplained ? 'alarm' : g.explained ? 'yellow' : g.pending ? 'dim' : 'green';
  return [parts.length ? parts.join(' · ') : 'none 无', style];
}

/**
 * The console screen as lines of text: a pure function of the model's view and the terminal size, so
 * tests read exactly what an operator sees. Status words carry Chinese beside English (在线/离线) for
 * duty staff who read Chinese first; colour follows severity and state, and NO_COLOR turns it off.
 * Every cell is cut to its column width, so no line is longer than the terminal is wide.
 */
import type { DeskView } from './alarm-desk.js';
import { describeFilter, type MonitorFilter } from './filter.js';
import type { GapSummary } from './gaps.js';
import type { ListView } from './list-view.js';
import type { EventRow, GatewayRow, GatewayState, LinkState } from './model.js';
import { gatewayLabels } from './gateway-labels.js';
import { GATEWAY_OFFLINE, GATEWAY_ONLINE } from './presence-entry.js';
import { cells, hhmmss, LINK, SEVERITY, SGR, STATE, type Cell, type Paint, type Style } from './render-style.js';
import { footerKeys, listHeading, viewLines } from './render-views.js';
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
  /**
   * The operator's list controls and the other views (list-view.ts), or null: then the list is the
   * first `events` and the footer names only the desk's keys. With it, `events` is the page to show.
   */
  list?: ListView | null | undefined;
  now: number;
}

export interface ScreenSize {
  width: number;
  height: number;
  colour: boolean;
}

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
  out.push(paint('bold', cells(paint, W, [['STATE 状态', 24], [names.prefix ? `${names.prefix}…` : 'GATEWAY 网关', gw], ['BACKLOG', 12], ['LAST EVENT', 10], ['EVENTS', 8], ['SEQ GAPS 序号缺口', gapsWidth]])));
  for (const g of shown) {
    const [stateText, stateStyle] = STATE[g.state];
    const backlog = backlogCell(g);
    const last = g.lastEventAt === null ? '-' : `${age(input.now - g.lastEventAt)} ago`;
    const [gapText, gapStyle] = gaps(g.gaps);
    // Cell by cell: under 72 columns the last ones are cut rather than the line run past the edge.
    out.push(cells(paint, W, [[`${stateText}${g.reason ? ` ${g.reason}` : ''}`, 24, stateStyle], [names.label(sanitize(g.gateway)), gw], [backlog, 12], [last, 10], [String(g.events), 8], [gapText, gapsWidth, gapStyle]]));
  }
  if (input.gateways.length > shown.length) out.push(paint('dim', fit(`… ${input.gateways.length - shown.length} more gateways (problems are listed first)`, W)));
  out.push('');

  const list = input.list ?? null;
  const headingAt = out.length;
  if (list) out.push('');
  const room = Math.max(0, size.height - out.length - 3);
  const lines = list && list.view !== 'events' ? viewLines(list, input.now, W, room + 1, paint) : eventLines(input.events.slice(0, room), W, paint);
  out.push(...lines);
  // Said after the rows are known: how many fit depends on the table and the desk above.
  if (list) out[headingAt] = listHeading(list, Math.max(0, lines.length - 1), W, paint);
  while (out.length < size.height - 1) out.push('');
  const keys = input.desk?.operator ? '↑↓ select · a acknowledge 接警 · c close 结案 · ' : '';
  out.push(paint('dim', fit(list ? `${keys}${footerKeys(list)}` : `${keys}q quit 退出 · listens only: acknowledges nothing on the gateways' behalf 仅监听`, W)));
  return out.slice(0, size.height);
}

/** The event list: most severe first; a gateway's going offline or coming back is an entry of its own. */
function eventLines(rows: readonly EventRow[], W: number, paint: Paint): string[] {
  const out: string[] = [];
  // Event columns share what the time and severity leave, data getting the rest.
  const flex = W - 8 - 13 - 5;
  const [g2, dev, type] = [Math.min(24, Math.floor(flex * 0.25)), Math.min(18, Math.floor(flex * 0.18)), Math.min(24, Math.floor(flex * 0.22))];
  const data = flex - g2 - dev - type;
  const sources = gatewayLabels(rows.map((r) => sanitize(r.event.gateway)), g2);
  out.push(paint('bold', `${fit('TIME', 8)} ${fit('SEVERITY 级别', 13)} ${fit(sources.prefix ? `${sources.prefix}…` : 'GATEWAY', g2)} ${fit('DEVICE', dev)} ${fit('TYPE', type)} ${fit('SEQ / DATA   most severe first 按级别', data)}`));
  for (const { receivedAt, event: e } of rows) {
    const [sevText, sevStyle] = SEVERITY[e.severity];
    const presence = e.seq === 0 && (e.type === GATEWAY_OFFLINE || e.type === GATEWAY_ONLINE);
    const typeText = presence ? (e.type === GATEWAY_OFFLINE ? 'GATEWAY OFFLINE 网关离线' : 'gateway back 网关恢复') : sanitize(e.type);
    const dataText = presence ? Object.values(e.data).map(String).join(' · ') : `#${e.seq} ${JSON.stringify(e.data)}`;
    out.push(`${hhmmss(receivedAt)} ${paint(sevStyle, fit(sevText, 13))} ${sources.label(sanitize(e.gateway))} ${fit(sanitize(e.device), dev)} ${presence && e.type === GATEWAY_OFFLINE ? paint('red', fit(typeText, type)) : fit(typeText, type)} ${fit(sanitize(dataText), data)}`);
  }
  return out;
}

/** The open alarms, critical first, with who acknowledged them; and the note being typed. */
function deskLines(d: DeskView, now: number, W: number, rows: number, paint: Paint): string[] {
  const open = d.cases.filter((c) => c.state === 'open').length;
  const out = [paint('bold', fit(`ALARMS 告警处理: ${open} open 未接警 · ${d.cases.length - open} acknowledged 已接警${d.operator ? ` · operator 值班员 ${sanitize(d.operator)}` : ' · read only 只读'}${d.message ? ` · ${sanitize(d.message)}` : ''}`, W))];
  const shown = d.cases.slice(0, rows);
  const gw = Math.min(26, Math.floor(W * 0.22));
  for (const [i, c] of shown.entries()) {
    const [sevText, sevStyle] = SEVERITY[c.severity];
    const ack = `acknowledged 已接警 ${c.ackBy ?? ''} ${c.ackMs === null ? '' : hhmmss(c.ackMs)}`;
    const state: Cell = c.state === 'open' ? ['OPEN 未接警', 11, 'alarm'] : [ack, displayWidth(ack), 'yellow'];
    out.push(cells(paint, W, [[i === d.selected ? '>' : ' ', 1], [hhmmss(c.atMs), 8], [sevText, 13, sevStyle], [c.gateway, gw], [c.device, 16], [c.type, 20], state, [age(now - c.atMs), Infinity, 'dim']]));
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

/**
 * The console's other views of its lower list (list-view.ts): devices with a standing problem, command
 * replies, queued notices per village; the line that says which view, page and filters are shown; and
 * the footer naming the keys. Pure functions of their input, every line cut to the width.
 */
import type { ListView } from './list-view.js';
import { cells, hhmmss, type Cell, type Paint, type Style } from './render-style.js';
import { age, fit, sanitize } from './text-cells.js';

const VIEW_TITLE: Record<ListView['view'], string> = { events: 'EVENTS 事件', devices: 'DEVICES 设备故障/离线', replies: 'REPLIES 指令回执', notices: 'NOTICES 广播队列' };
const PROBLEM: Record<string, [string, Style]> = { offline: ['OFFLINE 离线', 'red'], fault: ['FAULT 故障', 'alarm'], degraded: ['degraded 降级', 'yellow'], alarm: ['alarm 报警中', 'red'] };
const REPLY: Record<string, [string, Style]> = { done: ['done 已完成', 'green'], accepted: ['accepted 已接受', 'dim'], rejected: ['rejected 已拒绝', 'red'], failed: ['failed 失败', 'red'] };

/** Which view, which rows of how many (`rows` are on the screen), and the filters in force. */
export function listHeading(l: ListView, rows: number, W: number, paint: Paint): string {
  const shown = l.total === 0 ? 'none 无' : `${l.offset + 1}–${l.offset + rows} of ${l.total}`;
  const filters = [l.minSeverity ? `severity ≥ ${l.minSeverity}` : '', l.text ? `text "${sanitize(l.text)}"` : ''].filter(Boolean).join(' · ');
  const typing = l.typing === null ? '' : ` · filter 筛选 (Enter applies, Esc cancels): ${sanitize(l.typing)}_`;
  // A standing fault is not news that scrolls away: named on every view but its own.
  const faults = l.deviceProblems && l.view !== 'devices' ? ` · ${l.deviceProblems} device problem(s) 设备故障 (v)` : '';
  return paint('bold', fit(`${VIEW_TITLE[l.view]} · ${shown}${filters ? ` · ${filters}` : ''}${typing}${faults}`, W));
}

/** The keys of the list, for the footer. */
export function footerKeys(l: ListView): string {
  return `PgUp/PgDn page 翻页 · / filter 筛选 · s severity 级别 · v view 视图 (now ${l.view}) · q quit 退出`;
}

/** The rows of the devices, replies or notices view (at most `rows`, with their column heading). */
export function viewLines(l: ListView, now: number, W: number, rows: number, paint: Paint): string[] {
  const gw = Math.min(26, Math.floor(W * 0.22));
  const out: string[] = [];
  const head = (parts: readonly Cell[]): void => void out.push(cells(paint, W, parts.map(([t, w]) => [t, w, 'bold'])));
  const line = (parts: readonly Cell[]): void => void out.push(cells(paint, W, parts));
  if (l.view === 'devices') {
    head([['PROBLEM 问题', 14], ['GATEWAY 网关', gw], ['DEVICE 设备', 20], ['SINCE', 9], ['DETAIL', Infinity]]);
    for (const d of l.devices.slice(0, rows - 1)) {
      const [text, style] = PROBLEM[d.problem] ?? [d.problem, 'dim'];
      line([[text, 14, style], [d.gateway, gw], [d.device, 20], [age(now - d.since), 9], [d.detail, Infinity]]);
    }
  } else if (l.view === 'replies') {
    head([['TIME', 8], ['STATUS 状态', 16], ['GATEWAY 网关', gw], ['COMMAND ID 指令', 36], ['CODE', Infinity]]);
    for (const r of l.replies.slice(0, rows - 1)) {
      const [text, style] = REPLY[r.status] ?? [r.status, 'dim'];
      line([[hhmmss(r.receivedAt), 8], [text, 16, style], [r.gateway, gw], [r.id, 36], [r.code ? `${r.code} ${r.message}` : '', Infinity]]);
    }
  } else if (l.view === 'notices') {
    head([['VILLAGE 村', gw], ['STATE 状态', 14], ['PRIORITY', 9], ['PLAYED', 6], ['DUE', 19], ['CONTENT 内容', Math.max(12, W - gw - 14 - 9 - 6 - 19 - 36 - 6)], ['BROADCAST ID', Infinity]]);
    for (const n of l.notices.slice(0, rows - 1)) {
      const state: Cell = n.state === 'playing' ? ['playing 播放中', 14, 'green'] : ['waiting 待播', 14];
      line([[n.gateway, gw], state, [n.priority, 9, n.priority === 'emergency' ? 'red' : 'dim'], [`${n.played}/${n.plays}`, 6], [n.at.slice(0, 19), 19], [n.content, Math.max(12, W - gw - 14 - 9 - 6 - 19 - 36 - 6)], [n.id, Infinity]]);
    }
  }
  return out;
}

/**
 * The console's other views of its lower list (list-view.ts): devices with a standing problem, command
 * replies, queued notices per village; the line that says which view, page and filters are shown; and
 * the footer naming the keys. Pure functions of their input, every line cut to the width.
 */
import type { ListView } from './list-view.js';
import { hhmmss, type Paint, type Style } from './render-style.js';
import { age, fit, sanitize } from './text-cells.js';

const VIEW_TITLE: Record<ListView['view'], string> = { events: 'EVENTS 事件', devices: 'DEVICES 设备故障/离线', replies: 'REPLIES 指令回执', notices: 'NOTICES 广播队列' };
const PROBLEM: Record<string, [string, Style]> = { offline: ['OFFLINE 离线', 'red'], fault: ['FAULT 故障', 'alarm'], degraded: ['degraded 降级', 'yellow'], alarm: ['alarm 报警中', 'red'] };
const REPLY: Record<string, [string, Style]> = { done: ['done 已完成', 'green'], accepted: ['accepted 已接受', 'dim'], rejected: ['rejected 已拒绝', 'red'], failed: ['failed 失败', 'red'] };

/** Which view, which rows of how many (`rows` are on the screen), and the filters in force. */
export function listHeading(l: ListView, rows: number, W: number, paint: Paint): string {
  const shown = l.total === 0 ? 'none 无' : `${l.offset + 1}–${l.offset + rows} of ${l.total}`;
  const filters = [l.minSeverity ? `severity ≥ ${l.minSeverity}` : '', l.text ? `text "${sanitize(l.text)}"` : ''].filter(Boolean).join(' · ');
  const typing = l.typing === null ? '' : ` · filter 筛选 (Enter applies, Esc cancels): ${sanitize(l.typing)}_`;
  return paint('bold', fit(`${VIEW_TITLE[l.view]} · ${shown}${filters ? ` · ${filters}` : ''}${typing}`, W));
}

/** The keys of the list, for the footer. */
export function footerKeys(l: ListView): string {
  return `PgUp/PgDn page 翻页 · / filter 筛选 · s severity 级别 · v view 视图 (now ${l.view}) · q quit 退出`;
}

/** The rows of the devices, replies or notices view (at most `rows`, with their column heading). */
export function viewLines(l: ListView, now: number, W: number, rows: number, paint: Paint): string[] {
  const gw = Math.min(26, Math.floor(W * 0.22));
  const out: string[] = [];
  const head = (cells: string): void => void out.push(paint('bold', fit(cells, W)));
  if (l.view === 'devices') {
    head(`${fit('PROBLEM 问题', 14)} ${fit('GATEWAY 网关', gw)} ${fit('DEVICE 设备', 20)} ${fit('SINCE', 9)} DETAIL`);
    for (const d of l.devices.slice(0, rows - 1)) {
      const [text, style] = PROBLEM[d.problem] ?? [d.problem, 'dim'];
      out.push(`${paint(style, fit(text, 14))} ${fit(sanitize(d.gateway), gw)} ${fit(sanitize(d.device), 20)} ${fit(age(now - d.since), 9)} ${fit(sanitize(d.detail), W - 14 - gw - 20 - 9 - 4)}`);
    }
  } else if (l.view === 'replies') {
    head(`${fit('TIME', 8)} ${fit('STATUS 状态', 16)} ${fit('GATEWAY 网关', gw)} ${fit('COMMAND ID 指令', 36)} CODE`);
    for (const r of l.replies.slice(0, rows - 1)) {
      const [text, style] = REPLY[r.status] ?? [r.status, 'dim'];
      out.push(`${hhmmss(r.receivedAt)} ${paint(style, fit(text, 16))} ${fit(sanitize(r.gateway), gw)} ${fit(sanitize(r.id), 36)} ${fit(sanitize(r.code ? `${r.code} ${r.message}` : ''), W - 8 - 16 - gw - 36 - 4)}`);
    }
  } else if (l.view === 'notices') {
    head(`${fit('VILLAGE 村', gw)} ${fit('STATE 状态', 12)} ${fit('PRIORITY', 9)} ${fit('PLAYED', 6)} ${fit('DUE', 19)} ${fit('BROADCAST ID', 36)} CONTENT 内容`);
    for (const n of l.notices.slice(0, rows - 1)) {
      const state = n.state === 'playing' ? paint('green', fit('playing 播放中', 12)) : fit('waiting 待播', 12);
      out.push(`${fit(sanitize(n.gateway), gw)} ${state} ${paint(n.priority === 'emergency' ? 'red' : 'dim', fit(sanitize(n.priority), 9))} ${fit(`${n.played}/${n.plays}`, 6)} ${fit(sanitize(n.at.slice(0, 19)), 19)} ${fit(sanitize(n.id), 36)} ${fit(sanitize(n.content), W - gw - 12 - 9 - 6 - 19 - 36 - 6)}`);
    }
  }
  return out;
}

/** The console's words and colours for states and severities, and its cells, shared by the screen's parts (render*.ts). */
import type { GatewayState, LinkState } from './model.js';
import type { Severity } from './uplink-message.js';
import { fit, sanitize } from './text-cells.js';

export const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', alarm: '1;97;41' } as const;
export type Style = keyof typeof SGR;
/** Colours a cell, or leaves it plain (NO_COLOR, a pipe). */
export type Paint = (style: Style, s: string) => string;

export const LINK: Record<LinkState, [string, Style]> = { connected: ['connected 已连接', 'green'], connecting: ['connecting 连接中', 'yellow'], disconnected: ['DISCONNECTED 已断开', 'alarm'] };
export const STATE: Record<GatewayState, [string, Style]> = { online: ['● online 在线', 'green'], offline: ['● OFFLINE 离线', 'red'], silent: ['● silent 无消息', 'yellow'], unknown: ['? unknown 未知', 'dim'] };
export const SEVERITY: Record<Severity, [string, Style]> = { critical: ['CRITICAL 紧急', 'alarm'], major: ['major 重要', 'red'], minor: ['minor 一般', 'yellow'], info: ['info 信息', 'dim'] };

/** Local time of day, `21:40:00`. */
export const hhmmss = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/** A cell: its text, its width (Infinity: the rest of the line) and its colour. */
export type Cell = [text: string, width: number, style?: Style];

/** Cells side by side, each cut to its width and the line to `W`: a narrow terminal loses the last columns. */
export function cells(paint: Paint, W: number, parts: readonly Cell[]): string {
  const out: string[] = [];
  let left = W;
  for (const [text, width, style] of parts) {
    const w = Math.min(width, left);
    if (w <= 0) break;
    const cell = fit(sanitize(text), w);
    out.push(style ? paint(style, cell) : cell);
    left -= w + 1;
  }
  return out.join(' ');
}

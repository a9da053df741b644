/** The monthly report as CSV (one row per village, for a spreadsheet) and as a printable HTML page (A4). */
import { CATEGORIES } from '../../../gateway/kernel/categories.js';
import { SEVERITIES } from '../monitor/uplink-message.js';
import { csvField } from './csv.js';
import type { MonthlyReport, VillageMonth } from './monthly-report.js';


const COMMAND_STATUSES = ['done', 'failed', 'rejected'] as const;

const devicesCell = (v: VillageMonth): string => v.devicesOffline.map((d) => `${d.device} ${d.offlineMin} min`).join('; ');

export function monthlyCsv(r: MonthlyReport): string {
  const header = ['month', 'township', 'gateway', 'events', ...CATEGORIES.map((c) => `category_${c}`), ...SEVERITIES.map((s) => `severity_${s}`), 'alarms', ...COMMAND_STATUSES.map((s) => `commands_${s}`), 'uptime_percent', 'outages', 'evicted', 'lost', 'devices_offline_longest'];
  const rows = r.villages.map((v) => [r.month, v.township, v.gateway, v.events, ...CATEGORIES.map((c) => v.byCategory[c] ?? 0), ...SEVERITIES.map((s) => v.bySeverity[s] ?? 0), v.alarms, ...COMMAND_STATUSES.map((s) => v.commands[s] ?? 0), v.uptimePercent, v.outages, v.evicted, v.lost, devicesCell(v)]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

const esc = (s: string | number | null): string => String(s ?? '—').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function monthlyHtml(r: MonthlyReport): string {
  const total = (f: (v: VillageMonth) => number) => r.villages.reduce((n, v) => n + f(v), 0);
  const head = ['村 Village', '事件 Events', ...SEVERITIES.map((s) => esc(s)), '告警 Alarms', '指令 Commands done / failed / rejected', '在线率 Uptime', '掉线 Outages', '淘汰 Evicted', '丢失 Lost', '离线最久的设备 Devices offline longest'];
  const rows = r.villages.map(
    (v) => `<tr><td>${esc(v.gateway)}<br><small>${esc(v.township)}</small></td><td>${v.events}</td>${SEVERITIES.map((s) => `<td>${v.bySeverity[s] ?? 0}</td>`).join('')}<td>${v.alarms}</td><td>${COMMAND_STATUSES.map((s) => v.commands[s] ?? 0).join(' / ')}</td><td>${v.uptimePercent === null ? '—' : `${v.uptimePercent} %`}</td><td>${v.outages}</td><td>${v.evicted}</td><td class="${v.lost ? 'bad' : ''}">${v.lost}</td><td>${esc(devicesCell(v)) || '—'}</td></tr>`,
  );
  const byCategory = CATEGORIES.map((c) => `<tr><td>${esc(c)}</td><td>${total((v) => v.byCategory[c] ?? 0)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>月度报告 Monthly report ${esc(r.month)}</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6mm; }
th, td { border: 1px solid #999; padding: 1.5mm 2mm; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td:last-child { text-align: left; }
th { background: #eee; }
tr { break-inside: avoid; }
.bad { color: #b00; font-weight: bold; }
.meta { color: #444; margin-bottom: 4mm; }
</style></head><body>
<h1>月度报告 Monthly report — ${esc(r.month)}</h1>
<p class="meta">${r.villages.length} 个村 villages · ${total((v) => v.events)} 事件 events · ${total((v) => v.alarms)} 告警 alarms (critical + major) · ${total((v) => v.lost)} 丢失 lost · 生成于 generated ${esc(new Date(r.generatedAt).toISOString())}</p>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<table style="width:40%"><thead><tr><th>类别 Category</th><th>事件 Events</th></tr></thead><tbody>${byCategory}</tbody></table>
</body></html>
`;
}

/**
 * The acceptance report as one HTML page that prints on A4 (print CSS: `@page size A4`, tables that
 * do not split a row), every label from the installer's catalogue. No script, no outside resources.
 */
import type { Out } from '../i18n/i18n.js';
import type { ReportData } from './report-data.js';

const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const local = (iso: string | number): string => new Date(iso).toLocaleString('zh-CN', { hour12: false });

function table(head: string[], rows: unknown[][], cls = ''): string {
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const CSS = `
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; font-size: 9.5pt; color: #000; margin: 0 auto; max-width: 182mm; }
h1 { font-size: 15pt; margin: 0 0 3mm; } h2 { font-size: 11pt; margin: 4mm 0 1.5mm; border-bottom: 1px solid #000; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #555; padding: 1mm 2mm; text-align: left; vertical-align: top; }
tr { break-inside: avoid; } th { background: #eee; }
.pass { color: #060; font-weight: bold; } .fail { color: #b00; font-weight: bold; } .skipped { color: #666; }
.note { font-size: 8pt; } .sign { break-inside: avoid; } .sign td { height: 12mm; width: 25%; }
@media print { h2 { break-after: avoid; } }
`;

export function reportHtml(d: ReportData, out: Out): string {
  const t = out.t;
  const results = d.selfTests.map((r) => `<tr class="result" data-device="${esc(r.device)}"><td>${esc(local(r.ts))}</td><td>${esc(r.device)}</td><td>${esc(r.kind)}</td><td class="${esc(r.result)}">${esc(t(`report.result.${r.result}`))}</td><td>${esc(r.detail)}</td></tr>`);
  const township = d.township === null ? `<p>${esc(t('report.township.offline'))}</p>` : table([t('report.col.check'), t('report.col.result'), t('report.col.detail')], d.township.map((l) => [l.what, t(`report.status.${l.status}`), l.fix ? `${l.line} — ${l.fix}` : l.line]));
  const events = Object.entries(d.eventsLast24h);
  return `<!doctype html>
<html lang="${d.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(t('report.title'))} ${esc(d.identity.gatewayId)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(t('report.title'))}</h1>
${table([t('report.col.item'), t('report.col.value')], [
    [t('report.gatewayId'), d.identity.gatewayId],
    [t('report.township'), d.identity.township],
    [t('report.host'), d.identity.host],
    [t('report.version'), d.version],
    [t('report.generated'), local(d.generatedAt)],
  ], 'identity')}
<h2>${esc(t('report.devices'))}</h2>
${table([t('report.col.device'), t('report.col.kind'), t('report.col.category'), t('report.col.pin'), t('report.col.zone'), t('report.col.location')], d.devices.map((x) => [x.id, x.kind, x.category, x.pin ?? '', x.zone ?? '', x.location ?? '']))}
<h2>${esc(t('report.selfTests'))}</h2>
<table class="results"><thead><tr>${[t('report.col.time'), t('report.col.device'), t('report.col.kind'), t('report.col.result'), t('report.col.detail')].map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${results.join('') || `<tr><td colspan="5">${esc(t('report.noSelfTests'))}</td></tr>`}</tbody></table>
<h2>${esc(t('report.townshipLink'))}</h2>
${township}
<h2>${esc(t('report.backlog'))}</h2>
<p>${esc(t('report.backlogLine', { rows: d.backlog.rows, oldest: d.backlog.oldest ? local(d.backlog.oldest) : '-' }))}</p>
<h2>${esc(t('report.events'))}</h2>
${events.length > 0 ? table([t('report.col.category'), t('report.col.count')], events) : `<p>${esc(t('report.noEvents'))}</p>`}
<p class="note">${esc(t('report.eventsNote', { since: local(d.eventsSince) }))}</p>
<h2>${esc(t('report.signatures'))}</h2>
${table(['', t('report.col.name'), t('report.col.signature'), t('report.col.date')], [[t('report.installer'), '', '', ''], [t('report.inspector'), '', '', '']], 'sign')}
</body></html>
`;
}

/**
 * The status page for a phone's browser (issue 13, item 3): plain HTML rendered on the server from the
 * status snapshot, no script and no framework; it reloads itself every `REFRESH_SEC` seconds.
 */
import type { StatusSnapshot } from './status.js';
import { LANGS, t, type Lang } from './status-text.js';
import { statusView } from './status-view.js';

/** Seconds between the page's own reloads. */
export const REFRESH_SEC = 10;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const table = (head: string[], rows: string[][], rowClass: (i: number) => string = () => ''): string =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r, i) => `<tr${rowClass(i) ? ` class="${rowClass(i)}"` : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

const STYLE = `body{font:16px/1.4 system-ui,"Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:40em;padding:.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin:1em 0 .3em}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em .8em}
dt{color:#555}dd{margin:0}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .4em;border-bottom:1px solid #ddd}
tr.on td:nth-child(3){color:#176b2c}tr.off td:nth-child(3){color:#b00020;font-weight:600}.bad{background:#fde7ea;padding:.4em;border-radius:4px}
.langs{float:right}small{color:#666}`;

/** The whole page for `s` in `lang`. */
export function statusPage(s: StatusSnapshot, lang: Lang): string {
  const v = statusView(s, lang);
  const langs = LANGS.map((l) => (l === lang ? `<b>${l}</b>` : `<a href="?lang=${l}">${l}</a>`)).join(' · ');
  const problems = v.problems.length ? `<ul class="bad">${v.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SEC}">
<title>${esc(v.title)} · ${esc(s.gateway.id)}</title><style>${STYLE}</style></head>
<body><span class="langs">${langs}</span><h1>${esc(v.title)}</h1>
<dl id="summary">${v.summary.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${esc(val)}</dd>`).join('')}</dl>${problems}
<h2>${esc(t(lang, 'status.devices'))}</h2><div id="devices">${table(v.devices.head, v.devices.rows, (i) => (v.devices.online[i] ? 'on' : 'off'))}</div>
<h2>${esc(v.zones.title)}</h2><div id="zones">${v.zones.rows.length ? table([t(lang, 'status.zones'), t(lang, 'status.state')], v.zones.rows) : `<p>${esc(v.zones.empty)}</p>`}</div>
<h2>${esc(v.recent.title)}</h2><div id="recent">${v.recent.rows.length ? table(v.recent.head, v.recent.rows) : `<p>${esc(v.recent.empty)}</p>`}</div>
<p><small>${esc(t(lang, 'status.refreshed', { sec: REFRESH_SEC, time: new Date(s.ts).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB') }))}</small></p>
</body></html>
`;
}

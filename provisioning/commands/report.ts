/**
 * `vgw report` (issue 12, item 6): the acceptance report (检查验收) for the inspector — an HTML file that
 * prints on A4 and, beside it, the same data as JSON (`report.json` for `report.html`).
 */
import { writeFileSync } from 'node:fs';
import { loadConfigFile } from '../../gateway/config/load.js';
import { fail, type Out } from '../i18n/i18n.js';
import { gatherReport } from './report-data.js';
import { reportHtml } from './report-html.js';

export async function report(o: { config: string; out: string; offline?: boolean }, out: Out): Promise<void> {
  const config = loadConfigFile(o.config);
  const data = await gatherReport(config, o.config, o, out);
  const json = o.out.replace(/\.html?$/i, '') + '.json';
  try {
    writeFileSync(o.out, reportHtml(data, out));
    writeFileSync(json, `${JSON.stringify(data, null, 2)}\n`);
  } catch (err) {
    throw fail(out, 'report.cannotWrite', { file: o.out, code: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 2);
  }
  const failed = data.selfTests.filter((r) => r.result === 'fail').length;
  out.line('report.written', { html: o.out, json, tests: data.selfTests.length, failed });
  out.line('report.print', { html: o.out });
}

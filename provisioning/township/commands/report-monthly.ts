/**
 * `vgw report monthly`: the monthly report of a township or county archive (issue 16) — per village,
 * events by category and severity, alarms, commands answered, uptime, gaps, devices offline longest —
 * as a printable HTML page (A4), CSV for a spreadsheet, or JSON. The flags are defined in
 * report-monthly-command.ts; this file is imported only when a report is made (issue 14).
 */
import { writeFileSync } from 'node:fs';
import { createLogger } from '../../../gateway/kernel/log.js';
import { monthlyCsv, monthlyHtml } from '../archive/monthly-render.js';
import { monthlyReport, monthRange } from '../archive/monthly-report.js';
import { openArchive } from '../archive/open.js';

export interface MonthlyOptions {
  month: string;
  archive?: string;
  postgres?: string;
  format: 'html' | 'csv' | 'json';
  out?: string;
}

/** Writes the report of `o.month` to `o.out` or standard output; a mistake throws, in one line. */
export async function writeMonthlyReport(o: MonthlyOptions): Promise<void> {
  monthRange(o.month);
  if (!!o.archive === !!o.postgres) throw new Error('name one archive: --archive <file> or --postgres <url>');
  const store = await openArchive(o.postgres ? { postgres: o.postgres } : { sqlite: o.archive as string }, createLogger('silent'), 'read');
  try {
    const r = await monthlyReport(store, o.month);
    const text = o.format === 'csv' ? monthlyCsv(r) : o.format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : monthlyHtml(r);
    if (o.out) writeFileSync(o.out, text);
    else process.stdout.write(text);
    if (o.out) process.stderr.write(`${r.villages.length} village(s) 个村 · ${o.out}\n`);
  } finally {
    await store.close();
  }
}

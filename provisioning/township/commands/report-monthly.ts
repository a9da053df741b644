/**
 * `vgw report monthly`: the monthly report of a township or county archive (issue 16) — per village,
 * events by category and severity, alarms, commands answered, uptime, gaps, devices offline longest —
 * as a printable HTML page (A4), CSV for a spreadsheet, or JSON.
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { createLogger } from '../../../gateway/kernel/log.js';
import { monthlyCsv, monthlyHtml } from '../archive/monthly-render.js';
import { monthlyReport, monthRange } from '../archive/monthly-report.js';
import { openArchive } from '../archive/open.js';

interface MonthlyOptions {
  month: string;
  archive?: string;
  postgres?: string;
  format: 'html' | 'csv' | 'json';
  out?: string;
}

/** Adds `monthly` under the `report` command. */
export function addMonthlyReport(report: Command): void {
  report
    .command('monthly')
    .description('monthly report of the archive (月度报告): per village events, alarms, commands, uptime, gaps, devices offline')
    .requiredOption('--month <YYYY-MM>', 'the month, local time, e.g. 2026-11')
    .option('--archive <file>', 'the SQLite archive (vgw archive --sqlite)')
    .option('--postgres <url>', 'the PostgreSQL archive (vgw archive --postgres)')
    .addOption(new Option('--format <format>', 'html (prints on A4), csv, or json').choices(['html', 'csv', 'json']).default('html'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (o: MonthlyOptions, cmd: Command) => {
      try {
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
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
      }
    });
}

/** The definition of `vgw report monthly` (its work: report-monthly.ts, imported only when it runs, issue 14). */
import { Option, type Command } from 'commander';
import type { MonthlyOptions } from './report-monthly.js';

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
      const { writeMonthlyReport } = await import('./report-monthly.js');
      try {
        await writeMonthlyReport(o);
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
      }
    });
}

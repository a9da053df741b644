/**
 * The definitions of `vgw events query` and `vgw events gaps` (their work: events.ts, imported only
 * when one runs, issue 14).
 */
import { Option, type Command } from 'commander';
import { CATEGORIES } from '../../../gateway/kernel/categories.js';
import { SEVERITIES } from '../../../gateway/kernel/severity.js';
import { numberOption } from '../../commands/cli-numbers.js';
import type { QueryOptions } from './events.js';
import { categoryList, idList, when } from './filter-options.js';

export function addEventsCommand(program: Command): void {
  const events = program.command('events').description('search the event archive of `vgw monitor --archive`');
  events
    .command('query')
    .description('list archived events, oldest first, filtered (人员进出记录检索)')
    .option('--archive <files...>', 'SQLite archive file(s) written by vgw archive --sqlite or vgw monitor --archive')
    .option('--postgres <url>', 'the PostgreSQL archive of vgw archive --postgres')
    .option('--since <when>', 'from: 30m, 2h, 7d (ago), 2026-11-23, or 2026-11-23T21:40 (local time)', when)
    .option('--until <when>', 'until (same forms)', when)
    .option('--township <code>', 'township code')
    .option('--gateway <ids>', 'gateway ids (comma-separated)', idList)
    .option('--device <ids>', 'device ids (comma-separated)', idList)
    .option('--category <list>', `categories (${CATEGORIES.join(',')})`, categoryList)
    .addOption(new Option('--severity <level>', 'this severity and above').choices(SEVERITIES))
    .option('--type <types>', 'event types, comma-separated; "door.*" matches a prefix', idList)
    .option('--text <text>', 'text anywhere in the data, type, device or gateway, e.g. 东门')
    .addOption(numberOption('--limit <n>', 'newest events shown at most', { min: 1, max: 1_000_000, whole: true, example: 100, default: 100 }))
    .addOption(new Option('--format <format>', 'text (default), csv (for a spreadsheet), or json (one line per event)').choices(['text', 'csv', 'json']))
    .option('--json', 'the same as --format json')
    .option('--follow', 'after the matches, keep printing new matching events as they are archived (Ctrl-C stops)')
    .action(async (o: QueryOptions, cmd: Command) => {
      const { runQuery } = await import('./events.js');
      try {
        await runQuery(o);
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
      }
    });
  events
    .command('gaps')
    .description('seq gaps per gateway in the archive: what the gateway reported evicting, and what nobody explained (loss)')
    .option('--archive <files...>', 'SQLite archive file(s)')
    .option('--postgres <url>', 'the PostgreSQL archive')
    .option('--gateway <ids>', 'only these gateways (comma-separated)', idList)
    .option('--json', 'one JSON line per gateway')
    .action(async (o: { archive?: string[]; postgres?: string; gateway?: string[]; json?: boolean }, cmd: Command) => {
      const { listGaps } = await import('./events.js');
      try {
        await listGaps(o);
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
      }
    });
}

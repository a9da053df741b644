/** The definition of `vgw access log` (its work: access-log.ts, imported only when it runs, issue 14). */
import type { Command } from 'commander';
import type { AccessLogOptions } from './access-log.js';
import { numberOption } from './cli-numbers.js';

/** Adds `vgw access log`. */
export function addAccessCommand(program: Command): void {
  const access = program.command('access').description('access control (门禁): entry records');
  access
    .command('log')
    .description('search the entry records (人员进出记录检索); read-only, works while the gateway runs')
    .requiredOption('-c, --config <file>', 'YAML config file (its gateway.dataDir holds the records)')
    .option('--person <id>', 'only this person id')
    .option('--door <id>', 'only this door device')
    .option('--since <time>', 'from: a local date 2026-12-01, a local time "2026-12-01 08:00", or a span back like 7d')
    .option('--until <time>', 'until (exclusive), same forms as --since')
    .addOption(numberOption('--limit <n>', 'most records shown, the newest', { min: 1, max: 1_000_000, whole: true, example: 5000, default: 1000 }))
    .option('--json', 'one JSON object per line')
    .action(async (o: AccessLogOptions) => {
      const { accessLog } = await import('./access-log.js');
      process.exitCode = accessLog(o);
    });
}

/**
 * The definition of `vgw monitor` (its work: monitor.ts, imported only when it runs, issue 14).
 */
import { Option, type Command } from 'commander';
import { CATEGORIES } from '../../../gateway/kernel/categories.js';
import { SEVERITIES } from '../../../gateway/kernel/severity.js';
import { withBrokerOptions } from '../../commands/broker-options.js';
import { MAX_TIMER_SEC, numberOption } from '../../commands/cli-numbers.js';
import { categoryList, idList } from './filter-options.js';
import type { MonitorOptions } from './monitor.js';

export function addMonitorCommand(program: Command): void {
  withBrokerOptions(program.command('monitor').description('live console for the township monitoring center (监控中心): gateways online/offline, events by severity, seq gaps'))
    .option('--township <code>', 'only this township')
    .option('--gateway <ids>', 'only these gateways (comma-separated)', idList)
    .option('--category <list>', `only these categories in the list (${CATEGORIES.join(',')})`, categoryList)
    .addOption(new Option('--severity <level>', 'only this severity and above in the list').choices(SEVERITIES))
    .option('--share <group>', 'join MQTT 5 shared subscription $share/<group>/…: members split the events (seq gaps are then not checked)')
    .option('--archive <file>', 'also store every event, once, in this SQLite file (search it with `vgw events query`)')
    .option('--alarms <archive>', 'show and handle the open alarms (接警/结案) of this archive: the SQLite file or postgres:// URL of vgw archive')
    .option('--operator <name>', 'duty officer at this console: acknowledge (a) and close (c) alarms of --alarms')
    .option('--client-id <id>', 'MQTT client id (an archiver keeps its session under it)')
    .option('--headless', 'no screen: pino JSON logs on stdout, for running an archiver as a service')
    .addOption(numberOption('--history <n>', 'screen mode: the newest events of the archive (--alarms or --archive) listed at start, 0 for none', { min: 0, max: 10_000, whole: true, example: 200, default: 200 }))
    .addOption(numberOption('--stats-every <seconds>', 'headless: seconds between stats lines', { min: 1, max: MAX_TIMER_SEC, unit: 'seconds', example: 60, default: 60 }))
    .addOption(numberOption('--settle <seconds>', 'how long a seq gap may stay open while its gateway is online before it counts as loss', { min: 0, max: 86_400, unit: 'seconds', example: 30, default: 30 }))
    .option('--log <file>', 'screen mode: write logs to this file (default: none)')
    .action(async (o: MonitorOptions, cmd: Command) => {
      const { runMonitor } = await import('./monitor.js');
      await runMonitor(o).catch((err: unknown) => cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 }));
    });
}

/**
 * `vgw events query`: searches the archives written by `vgw monitor --archive` (记录检索). Several
 * archives (one per member of a shared subscription) are searched together; an event found in more
 * than one is listed once.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CATEGORIES } from '../../../gateway/kernel/categories.js';
import { ArchiveDb, type ArchivedEvent } from '../monitor/archive-db.js';
import { parseWhen, type EventQuery } from '../monitor/archive-query.js';
import { fit, sanitize } from '../monitor/text-cells.js';
import { SEVERITIES, type Severity } from '../monitor/uplink-message.js';
import { numberOption } from '../../commands/cli-numbers.js';
import { categoryList, idList } from './monitor.js';

interface QueryOptions {
  archive: string[];
  since?: number;
  until?: number;
  township?: string;
  gateway?: string[];
  device?: string[];
  category?: string[];
  severity?: Severity;
  type?: string[];
  text?: string;
  limit: number;
  json?: boolean;
}

function when(value: string): number {
  const t = parseWhen(value);
  if (t === null) throw new InvalidArgumentError('use 30m, 2h or 7d (ago), a date like 2026-11-23, or a time like 2026-11-23T21:40');
  return t;
}

export function addEventsCommand(program: Command): void {
  const events = program.command('events').description('search the event archive of `vgw monitor --archive`');
  events
    .command('query')
    .description('list archived events, oldest first, filtered (人员进出记录检索)')
    .requiredOption('--archive <files...>', 'archive file(s) written by vgw monitor --archive')
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
    .option('--json', 'one JSON line per event: township, receivedAt and the envelope')
    .action((o: QueryOptions, cmd: Command) => {
      try {
        queryEvents(o);
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
      }
    });
}

export function queryEvents(o: QueryOptions, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const q: EventQuery = { since: o.since, until: o.until, township: o.township, gateways: o.gateway, devices: o.device, categories: o.category, minSeverity: o.severity, types: o.type, text: o.text, limit: o.limit };
  const byId = new Map<string, ArchivedEvent>();
  for (const file of o.archive) {
    const db = ArchiveDb.openReadOnly(file);
    try {
      for (const a of db.query(q)) byId.set(a.event.id, a);
    } finally {
      db.close();
    }
  }
  const found = [...byId.values()].sort((a, b) => b.atMs - a.atMs).slice(0, o.limit).reverse();
  if (o.json) {
    for (const a of found) print(JSON.stringify({ township: a.township, receivedAt: new Date(a.receivedAt).toISOString(), event: a.event }));
    return;
  }
  for (const a of found) print(line(a));
  const more = found.length === o.limit ? ` (the newest ${o.limit}; narrow the search or raise --limit)` : '';
  print(`${found.length} event(s) 条记录${more}`);
}

const pad = (n: number): string => String(n).padStart(2, '0');
function localTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function line({ atMs, event: e }: ArchivedEvent): string {
  // "~": the gateway's clock was not synced, so this is when the township received it.
  const time = `${localTime(atMs)}${e.clock === 'synced' ? ' ' : '~'}`;
  return `${time} ${fit(e.severity, 8)} ${fit(sanitize(e.gateway), 26)} ${fit(sanitize(e.device), 18)} ${fit(sanitize(e.type), 22)} #${e.seq} ${sanitize(JSON.stringify(e.data))}`;
}

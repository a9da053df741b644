/**
 * `vgw events query`: searches the archives written by `vgw monitor --archive` (记录检索). Several
 * archives (one per member of a shared subscription) are searched together; an event found in more
 * than one is listed once. The flags are defined in events-command.ts; this file is imported only when
 * a search runs (issue 14).
 */
import { createLogger } from '../../../gateway/kernel/log.js';
import { csvField } from '../archive/csv.js';
import { openArchive, type ArchiveTarget } from '../archive/open.js';
import type { ArchivedEvent, ArchiveStore } from '../archive/store.js';
import type { EventQuery } from '../monitor/archive-query.js';
import { fit, sanitize } from '../monitor/text-cells.js';
import type { Severity } from '../monitor/uplink-message.js';
import { countOf } from '../monitor/seq-ranges.js';
import { followEvents } from './events-follow.js';

export interface QueryOptions {
  archive?: string[];
  postgres?: string;
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
  format?: 'text' | 'csv' | 'json';
  /** After the matches, keep printing new matching events as they are archived, until Ctrl-C. */
  follow?: boolean;
}

type Print = (line: string) => void;
const stdout: Print = (l) => process.stdout.write(`${l}\n`);

/** The archives a search names: SQLite files, or one PostgreSQL URL. */
function targets(o: { archive?: string[] | undefined; postgres?: string | undefined }): ArchiveTarget[] {
  if (o.postgres && o.archive?.length) throw new Error('search either --archive files or --postgres, not both');
  if (o.postgres) return [{ postgres: o.postgres }];
  if (!o.archive?.length) throw new Error('name the archive: --archive <file...> (SQLite) or --postgres <url>');
  return o.archive.map((sqlite) => ({ sqlite }));
}

/** Runs `work` on each archive in turn, opened read-only and closed after. */
async function eachArchive(o: { archive?: string[] | undefined; postgres?: string | undefined }, work: (store: ArchiveStore) => Promise<void>): Promise<void> {
  const log = createLogger('silent');
  for (const t of targets(o)) {
    const store = await openArchive(t, log, 'read');
    try {
      await work(store);
    } finally {
      await store.close();
    }
  }
}

/** `vgw events query`: the matches, then with `--follow` the new ones until Ctrl-C. */
export const runQuery = (o: QueryOptions): Promise<void> => queryEvents(o, stdout, o.follow ? untilInterrupted() : undefined);

/** Resolves on the first Ctrl-C or SIGTERM. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Follows are polled this often. */
const FOLLOW_POLL_MS = 1000;

/** Lists the matches; with `follow` given, then the new matches as they are archived until it resolves. */
export async function queryEvents(o: QueryOptions, print: Print = stdout, follow?: Promise<void>): Promise<void> {
  const startedAt = Date.now();
  const q: EventQuery = { since: o.since, until: o.until, township: o.township, gateways: o.gateway, devices: o.device, categories: o.category, minSeverity: o.severity, types: o.type, text: o.text, limit: o.limit };
  const byId = new Map<string, ArchivedEvent>();
  await eachArchive(o, async (store) => {
    for (const a of await store.query(q)) byId.set(a.event.id, a);
  });
  const found = [...byId.values()].sort((a, b) => b.atMs - a.atMs).slice(0, o.limit).reverse();
  const format = o.json ? 'json' : (o.format ?? 'text');
  const one = (a: ArchivedEvent): void => print(format === 'json' ? JSON.stringify({ township: a.township, receivedAt: new Date(a.receivedAt).toISOString(), event: a.event }) : format === 'csv' ? csvRow(a) : line(a));
  if (format === 'csv') print(CSV_HEADER);
  for (const a of found) one(a);
  if (format === 'text') {
    const more = found.length === o.limit ? ` (the newest ${o.limit}; narrow the search or raise --limit)` : '';
    print(`${found.length} event(s) 条记录${more}`);
  }
  if (!follow) return;
  // On stderr, so csv and json on stdout stay one record per line.
  process.stderr.write('following: new matching events as they are archived; Ctrl-C stops\n');
  const stores = await Promise.all(targets(o).map((t) => openArchive(t, createLogger('silent'), 'read')));
  try {
    await followEvents(stores, q, one, { fromMs: startedAt, printed: byId.keys(), pollMs: FOLLOW_POLL_MS, stop: follow });
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

const CSV_HEADER = 'time,clock,township,gateway,seq,device,category,type,severity,id,data';


function csvRow({ atMs, township, event: e }: ArchivedEvent): string {
  return [new Date(atMs).toISOString(), e.clock, township, e.gateway, e.seq, e.device, e.category, e.type, e.severity, e.id, JSON.stringify(e.data)].map(csvField).join(',');
}

export async function listGaps(o: { archive?: string[] | undefined; postgres?: string | undefined; gateway?: string[] | undefined; json?: boolean | undefined }, print: Print = stdout): Promise<void> {
  // Each file of a shared group holds a part of every gateway's seqs: its holes are the others' events.
  if ((o.archive?.length ?? 0) > 1) throw new Error('gaps need the whole archive: one SQLite file, or --postgres (the files of a shared group each hold only a part)');
  await eachArchive(o, async (store) => {
    for (const g of await store.gaps(o.gateway)) {
      if (o.json) print(JSON.stringify(g));
      else print(`${fit(sanitize(g.gateway), 30)} seq ${g.first}–${g.last}, ${g.archived} archived · evicted (reported) ${countOf(g.explained)} · lost (unexplained) ${countOf(g.unexplained)}${g.unexplained.length ? ` ${JSON.stringify(g.unexplained)}` : ''}`);
    }
  });
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

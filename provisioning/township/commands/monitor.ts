/**
 * `vgw monitor`: the township monitoring center's console (监控中心). A live table of gateways and the
 * events by severity on a terminal; or, with `--headless`, no screen and pino logs, for an archiver
 * running as a service. `--archive` stores every event in SQLite; `--share` joins an MQTT 5 shared
 * subscription so several consoles or archivers split the events of a large broker. Its flags are
 * defined in monitor-command.ts; this file is imported only when the console runs (issue 14).
 */
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { pino } from 'pino';
import { createLogger } from '../../../gateway/kernel/log.js';
import { addMonths, monthOf } from '../archive/partitions.js';
import type { WebhookOptions } from '../archive/webhook.js';
import { openArchive } from '../archive/open.js';
import { AlarmDesk } from '../monitor/alarm-desk.js';
import type { MonitorFilter } from '../monitor/filter.js';
import { loadHistory } from '../monitor/history.js';
import { ListControls } from '../monitor/list-view.js';
import { createMonitor, type Monitor } from '../monitor/monitor.js';
import { renderScreen } from '../monitor/render.js';
import { TerminalScreen } from '../monitor/screen.js';
import type { Severity } from '../monitor/uplink-message.js';
import { brokerAuth, type BrokerOptions } from '../../commands/broker-options.js';

export interface MonitorOptions extends BrokerOptions {
  township?: string;
  gateway?: string[];
  category?: string[];
  severity?: Severity;
  share?: string;
  archive?: string;
  /** PostgreSQL URL to archive in instead of a SQLite file (`vgw archive --postgres`). */
  postgres?: string;
  /** Broker connections in the shared subscription. */
  connections?: number;
  /** PostgreSQL: months kept before the current one; older partitions are dropped. */
  retainMonths?: number;
  /** The archive whose alarm cases this console shows and handles (file or postgres:// URL). */
  alarms?: string;
  /** Who handles alarms at this console (duty officer). */
  operator?: string;
  /** Alarms pushed to the township's platform. */
  webhook?: WebhookOptions | undefined;
  clientId?: string;
  headless?: boolean;
  /** Events of the archive (--alarms or --archive) listed when the console starts. */
  history: number;
  statsEvery: number;
  settle: number;
  log?: string;
}

/** An archiver's client id must be the same at every start, or the broker keeps its queue for nobody. */
function clientId(o: MonitorOptions): string {
  if (o.clientId) return o.clientId;
  const base = `vgw-monitor-${hostname()}`.replace(/[^A-Za-z0-9-]/g, '-');
  if (o.postgres) return `${base}-postgres`;
  return o.archive ? `${base}-${basename(o.archive).replace(/[^A-Za-z0-9-]/g, '-')}` : `${base}-${process.pid}`;
}

export async function runMonitor(o: MonitorOptions): Promise<void> {
  if (o.operator && !o.alarms) throw new Error('--operator handles the alarms of an archive: add --alarms <file or postgres:// URL> (the archive vgw archive writes)');
  const log = o.headless ? createLogger() : o.log ? createLogger('info', pino.destination({ dest: o.log, sync: false })) : createLogger('silent');
  const filter: MonitorFilter = { township: o.township, gateways: o.gateway, categories: o.category, minSeverity: o.severity };
  const monitor = createMonitor({ feed: { url: o.broker, clientId: clientId(o), ...brokerAuth(o), scope: { township: o.township, gateways: o.gateway, share: o.share }, deviceStates: !o.headless }, filter, archive: o.postgres ? { postgres: o.postgres } : o.archive ? { sqlite: o.archive } : undefined, connections: o.connections, webhook: o.webhook, settleMs: o.settle * 1000 }, log);
  try {
    await monitor.start();
  } catch (err) {
    await monitor.stop();
    throw new Error(`cannot monitor ${o.broker}: ${(err as Error).message}`, { cause: err });
  }
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const stopAll: (() => void)[] = [];
  if (o.headless) {
    const timer = setInterval(() => logStats(monitor, log), o.statsEvery * 1000);
    stopAll.push(() => clearInterval(timer));
    if (o.retainMonths !== undefined) stopAll.push(keepRetention(monitor, o.retainMonths, log));
  } else {
    const desk = o.alarms ? new AlarmDesk(await openArchive(o.alarms.startsWith('postgres') ? { postgres: o.alarms } : { sqlite: o.alarms }, log), o.operator ?? null, log.child({ component: 'alarm-desk' })) : null;
    await desk?.start();
    const archived = desk?.store ?? monitor.store;
    if (archived) await loadHistory(archived, monitor.model, filter, o.history, log);
    const list = new ListControls();
    const frame = renderFrame(monitor, o, filter, desk, list);
    // While a filter is typed the list takes every key; else the desk first, then the list.
    const keys = (k: string): boolean => (list.typing !== null ? list.key(k) : (desk?.key(k) ?? false) || list.key(k));
    const screen = new TerminalScreen(process.stdout, process.stdin, frame, finish, keys, desk ? () => desk.ringing : undefined);
    screen.start();
    stopAll.push(() => screen.stop(), () => void desk?.stop());
  }
  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
  await finished;
  for (const stop of stopAll) stop();
  await monitor.stop();
  logStats(monitor, log);
  log.flush();
}

/** Events the list pages through at most (the model keeps more per severity). */
const LIST_EVENTS = 2000;

function renderFrame(monitor: Monitor, o: MonitorOptions, filter: MonitorFilter, desk: AlarmDesk | null, list: ListControls) {
  return (size: { width: number; height: number; colour: boolean }) => {
    const now = Date.now();
    const m = monitor.model;
    list.pageRows = Math.max(1, Math.floor(size.height / 2));
    const page = list.apply({ events: m.events(LIST_EVENTS), devices: m.devices.problems(), replies: m.replies.list(), notices: m.notices.list() }, size.height);
    return renderScreen({ broker: o.broker, link: m.link, filter, share: o.share ?? null, stats: m.stats, gateways: m.gateways(now), events: page.events, archive: monitor.archive, desk: desk?.view ?? null, list: page.list, now }, size);
  };
}

/** How often retention looks for partitions to drop. */
const RETENTION_EVERY_MS = 6 * 3600_000;

/** Drops archive partitions older than `months` before the current month, now and every few hours. */
function keepRetention(monitor: Monitor, months: number, log: ReturnType<typeof createLogger>): () => void {
  const run = (): void => {
    const keepFrom = addMonths(monthOf(Date.now()), -months);
    monitor.store?.retain?.(keepFrom).catch((err: unknown) => log.error({ err: (err as Error).message }, 'archive retention failed; retried later'));
  };
  run();
  const timer = setInterval(run, RETENTION_EVERY_MS);
  return () => clearInterval(timer);
}

function logStats(monitor: Monitor, log: ReturnType<typeof createLogger>): void {
  const gateways = monitor.model.gateways();
  const count = (state: string) => gateways.filter((g) => g.state === state).length;
  const lost = gateways.filter((g) => g.gaps?.unexplained).map((g) => ({ gateway: g.gateway, ranges: g.gaps?.unexplainedRanges }));
  log.info({ ...monitor.model.stats, stored: monitor.archive?.stored, commits: monitor.archive?.commits, webhook: monitor.webhook ?? undefined, gateways: gateways.length, online: count('online'), offline: count('offline'), silent: count('silent'), lost }, 'monitor stats');
}

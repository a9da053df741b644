/**
 * Hourly counts of accepted events per category and severity (issue 12, item 6): the acceptance report's
 * "last 24 h" cannot be read from the outbox, which a working uplink empties within a second. Counted in
 * memory as each event commits (no SQL on the event path, which the performance work measures), written
 * in one small transaction per flush interval and at stop, so a crash loses at most one interval's counts.
 * Kept 400 days, pruned once a day.
 */
import type { Logger } from 'pino';
import type { Db } from '../cloud-bridge/db.js';
import type { Component } from './components.js';
import type { Clock } from './kernel/clock.js';
import type { Pipeline } from './pipeline.js';
import { secMs } from './kernel/timers.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How long hourly counts are kept: a year and a month, for the yearly inspection. */
export const KEEP_DAYS = 400;

/** The start (ms since epoch, UTC) of the hour that holds `ms`. */
export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** Counted but not yet written: `hour|category|severity` → events. */
type Pending = Map<string, number>;

export interface EventCountsDeps {
  /** The pipeline, read at start (the parts are built with the database). */
  pipeline: () => Pipeline;
  db: () => Db;
  clock: Clock;
  /** Seconds between writes: what a crash may lose at most. */
  flushSec: number;
  log: Logger;
}

/** The lifecycle component that counts and writes; placed after the database so it stops (and flushes) before it closes. */
export function eventCountsComponent(deps: EventCountsDeps): Component {
  let pending: Pending = new Map();
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let prunedAt = 0;

  const flush = (): void => {
    const now = deps.clock.now();
    const rows = pending;
    const prune = now - prunedAt >= DAY_MS;
    if (rows.size === 0 && !prune) return;
    pending = new Map();
    const db = deps.db();
    try {
      const add = db.prepare('INSERT INTO event_counts (hour, category, severity, n) VALUES (?, ?, ?, ?) ON CONFLICT (hour, category, severity) DO UPDATE SET n = n + excluded.n');
      db.transaction(() => {
        for (const [key, n] of rows) {
          const [hour, category, severity] = key.split('|') as [string, string, string];
          add.run(Number(hour), category, severity, n);
        }
        if (prune) db.prepare('DELETE FROM event_counts WHERE hour < ?').run(hourOf(now - KEEP_DAYS * DAY_MS));
      })();
      if (prune) prunedAt = now;
    } catch (err) {
      // Kept for the next try (a full disk clears): counts are added, so nothing is counted twice.
      for (const [key, n] of rows) pending.set(key, (pending.get(key) ?? 0) + n);
      deps.log.warn({ err, keys: pending.size }, 'event counts not written; retrying at the next interval');
    }
  };

  return {
    name: 'event counts',
    start: () => {
      // Counted once on disk: an event the outbox refused (full disk) was not accepted.
      unsubscribe = deps.pipeline().onAccepted((event) => {
        const key = `${hourOf(deps.clock.now())}|${event.category}|${event.severity}`;
        pending.set(key, (pending.get(key) ?? 0) + 1);
      });
      flush();
      timer = setInterval(flush, secMs(deps.flushSec));
      timer.unref();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      unsubscribe?.();
      flush();
    },
  };
}

/** Events per category in the hours from the one holding `now - 24 h` up to now (read-only; the daemon may be running). */
export function countsLast24h(db: Db, now: number): { since: number; byCategory: Record<string, number> } {
  const since = hourOf(now - DAY_MS);
  const rows = db.prepare('SELECT category, SUM(n) AS n FROM event_counts WHERE hour >= ? GROUP BY category ORDER BY category').all(since) as { category: string; n: number }[];
  return { since, byCategory: Object.fromEntries(rows.map((r) => [r.category, r.n])) };
}

/**
 * Recent history for a console started mid-shift (issue 16): the newest events of the archive the
 * console was given (`--alarms` or `--archive`), listed before the live ones, within the console's
 * filter. A failed read leaves the console running with what arrives live, and says so.
 */
import type { Logger } from 'pino';
import type { ArchiveStore } from '../archive/store.js';
import type { MonitorFilter } from './filter.js';
import type { MonitorModel } from './model.js';

/** Reads the newest `limit` events of `store` into the model; resolves with how many it listed. */
export async function loadHistory(store: ArchiveStore, model: MonitorModel, filter: MonitorFilter, limit: number, log: Logger): Promise<number> {
  if (limit <= 0) return 0;
  try {
    const rows = await store.query({ township: filter.township, gateways: filter.gateways, categories: filter.categories, minSeverity: filter.minSeverity, limit });
    const n = model.history(rows);
    log.info({ listed: n, read: rows.length }, 'recent history listed from the archive');
    return n;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'recent history not read from the archive');
    return 0;
  }
}

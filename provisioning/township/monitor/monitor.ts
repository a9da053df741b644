/**
 * The monitoring center's parts wired together: township feed → (archive) → model. `vgw monitor`, the
 * tests and the fleet benchmark all build it here; only the screen or the log around it differs.
 */
import type { Logger } from 'pino';
import { ArchiveDb } from './archive-db.js';
import { UplinkFeed, type FeedOptions } from './feed.js';
import type { MonitorFilter } from './filter.js';
import { MonitorModel } from './model.js';
import { parseUplink } from './uplink-message.js';

export interface MonitorConfig {
  feed: Omit<FeedOptions, 'persistent'>;
  filter: MonitorFilter;
  /** SQLite file to store every event in; also makes the broker session persistent. */
  archive?: string | undefined;
  /** See ModelOptions.settleMs. */
  settleMs: number;
}

export type Monitor = ReturnType<typeof createMonitor>;

/** Unreadable messages logged one by one before only every 1000th is. */
const INVALID_LOGGED = 10;

export function createMonitor(c: MonitorConfig, log: Logger) {
  const model = new MonitorModel({ filter: c.filter, trackGaps: !c.feed.scope.share, settleMs: c.settleMs });
  let archive: ArchiveDb | null = null;
  let stored = 0;

  const sink = (topic: string, payload: Buffer): void => {
    const parsed = parseUplink(topic, payload);
    if (!parsed.ok) {
      model.invalid(parsed.reason);
      const n = model.stats.invalid;
      if (n <= INVALID_LOGGED || n % 1000 === 0) log.warn({ topic, reason: parsed.reason, invalidTotal: n }, 'unreadable township message');
      return;
    }
    const m = parsed.message;
    if (!m) return;
    const now = Date.now();
    // Stored before the model sees it and before the broker gets its PUBACK (see feed.ts).
    if (m.kind === 'event' && archive?.store(m.township, m.event, now)) stored++;
    model.ingest(m, now);
  };
  const feed = new UplinkFeed({ ...c.feed, persistent: c.archive !== undefined }, sink, log);
  feed.onState = (state) => (model.link = state);

  return {
    model,
    feed,
    /** The archive file and the events this process stored in it, or null. */
    get archive(): { file: string; stored: number } | null {
      return c.archive ? { file: c.archive, stored } : null;
    },
    async start(): Promise<void> {
      if (c.archive) archive = ArchiveDb.open(c.archive);
      await feed.start();
    },
    async stop(): Promise<void> {
      await feed.stop();
      archive?.close();
      archive = null;
    },
  };
}

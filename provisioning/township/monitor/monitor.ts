/**
 * The monitoring center's parts wired together: township feed → (archive) → model. `vgw monitor`, the
 * tests and the fleet benchmark all build it here; only the screen or the log around it differs.
 */
import type { Logger } from 'pino';
import { GroupCommit } from '../archive/group-commit.js';
import { describeTarget, openArchive, type ArchiveTarget } from '../archive/open.js';
import type { ArchiveRecord, ArchiveStore, IncomingEvent } from '../archive/store.js';
import { WebhookSink, type WebhookOptions } from '../archive/webhook.js';
import { MAX_CONNECTIONS } from './connections.js';
import { UplinkFeed, type FeedOptions } from './feed.js';
import type { MonitorFilter } from './filter.js';
import { parseDeviceState } from './device-table.js';
import { MonitorModel } from './model.js';
import { parseUplink, type UplinkMessage } from './uplink-message.js';

export interface MonitorConfig {
  feed: Omit<FeedOptions, 'persistent'>;
  filter: MonitorFilter;
  /** Where to store every event (a SQLite file or PostgreSQL); also makes the broker session persistent. */
  archive?: ArchiveTarget | undefined;
  /**
   * Broker connections in the shared subscription (`feed.scope.share`), default 1: an archiver on
   * PostgreSQL commits what all of them hand over at once (group-commit.ts).
   */
  connections?: number | undefined;
  /** Alarms pushed to the township's platform (webhook.ts); queued in the same step as the archive commit. */
  webhook?: WebhookOptions | undefined;
  /** Called after each archive commit with its events (the fleet benchmark measures archive lag here). */
  onArchived?: ((events: readonly IncomingEvent[]) => void) | undefined;
  /** See ModelOptions.settleMs. */
  settleMs: number;
}

export type Monitor = ReturnType<typeof createMonitor>;

/** Unreadable messages logged one by one before only every 1000th is. */
const INVALID_LOGGED = 10;

/** What the archive keeps of a message: events, status changes and replies; not metrics. */
function archiveItem(m: UplinkMessage, now: number): IncomingEvent | ArchiveRecord | null {
  switch (m.kind) {
    case 'event':
      return { township: m.township, event: m.event, receivedAt: now };
    case 'status':
      return { kind: 'status', township: m.township, gateway: m.gateway, status: m.status, receivedAt: now };
    case 'reply':
      return { kind: 'reply', township: m.township, gateway: m.gateway, reply: m.reply, receivedAt: now };
    case 'metrics':
      return null;
  }
}

export function createMonitor(c: MonitorConfig, log: Logger) {
  const model = new MonitorModel({ filter: c.filter, trackGaps: !c.feed.scope.share, settleMs: c.settleMs });
  let archive: ArchiveStore | null = null;
  let webhook: WebhookSink | null = null;
  let archiveName = '';
  let stored = 0;
  const group = new GroupCommit<IncomingEvent | ArchiveRecord>(async (batch) => {
    const records = batch.filter((b): b is ArchiveRecord => 'kind' in b);
    const events = batch.filter((b): b is IncomingEvent => !('kind' in b));
    stored += await (archive as ArchiveStore).store(events, records);
    // Queued whether new or not: a redelivery after a crash between the two commits still queues it.
    webhook?.enqueue(events);
    c.onArchived?.(events);
  });

  const sink = (topic: string, payload: Buffer): void | Promise<void> => {
    // Device states reach the console only (feed `deviceStates`); the archive keeps none.
    const state = parseDeviceState(topic, payload);
    if (state) {
      if (state.ok) model.deviceState(state.message);
      else model.invalid(state.reason);
      return;
    }
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
    const item = archive ? archiveItem(m, now) : null;
    if (!item) {
      model.ingest(m, now);
      return;
    }
    // Stored before the model sees it and before the broker gets its PUBACK (see feed.ts).
    return group.add(item).then(() => void model.ingest(m, now));
  };
  const connections = c.connections ?? 1;
  if (connections > 1 && !c.feed.scope.share) throw new Error('several connections need a shared subscription (--share <group>): otherwise each would receive every event');
  const feeds = Array.from({ length: connections }, (_, i) => new UplinkFeed({ ...c.feed, clientId: connections > 1 ? `${c.feed.clientId}-${i + 1}` : c.feed.clientId, persistent: c.archive !== undefined }, sink, log));
  const feed = feeds[0] as UplinkFeed;
  // The client ids of the connections an archiver of a shared group might have used before.
  const retired = c.archive && c.feed.scope.share && c.feed.protocolVersion === 5
    ? [c.feed.clientId, ...Array.from({ length: MAX_CONNECTIONS }, (_, i) => `${c.feed.clientId}-${i + 1}`)].filter((id) => !feeds.some((f) => f.clientId === id))
    : [];
  feed.onState = (state) => (model.link = state);

  return {
    model,
    feed,
    /** The archive (file or URL without password) and the events this process stored in it, or null. */
    get archive(): { file: string; stored: number; commits: number } | null {
      return archive ? { file: archiveName, stored, commits: group.commits } : null;
    },
    /** The webhook sink's counts, or null. */
    get webhook(): { sent: number; failures: number; waiting: number } | null {
      return webhook ? { sent: webhook.sent, failures: webhook.failures, waiting: webhook.waiting } : null;
    },
    /** The open archive store, or null. */
    get store(): ArchiveStore | null {
      return archive;
    },
    async start(): Promise<void> {
      if (c.archive) {
        archiveName = describeTarget(c.archive);
        archive = await openArchive(c.archive, log);
        log.info({ engine: archive.engine, archive: archiveName, connections }, 'archive open');
      }
      if (c.webhook) {
        if (!c.archive) throw new Error('the webhook push needs an archive (its queue commits with it)');
        webhook = new WebhookSink(c.webhook, log.child({ component: 'webhook' }));
        webhook.start();
      }
      await Promise.all(feeds.map((f) => f.start()));
      for (const id of retired) await new UplinkFeed({ ...c.feed, clientId: id, persistent: true }, sink, log).retire();
    },
    async stop(): Promise<void> {
      await Promise.all(feeds.map((f) => f.stop()));
      webhook?.stop();
      webhook = null;
      await archive?.close();
      archive = null;
    },
  };
}

/**
 * The archive's storage port (issue 16): one interface, two engines — SQLite for a township (one file,
 * no server; the embedded default) and PostgreSQL for a county platform (partitioned by month, shared by
 * a group of archivers). Both pass one conformance suite (test/archive/store-conformance.test.ts).
 * Every call resolves only once its writes are committed: the archiver acknowledges the broker after.
 */
import type { EventQuery } from '../monitor/archive-query.js';
import type { Month } from './partitions.js';
import type { Range } from '../monitor/seq-ranges.js';
import type { EventEnvelope } from '../monitor/uplink-message.js';

/** An event as it arrived: the envelope, its township (from the topic) and when it was received (ms). */
export interface IncomingEvent {
  township: string;
  event: EventEnvelope;
  receivedAt: number;
}

/** An event as the archive holds it; `atMs` is when it happened as best known (see `eventTime`). */
export interface ArchivedEvent extends IncomingEvent {
  atMs: number;
}

/** A gateway's seq record in the archive: holes the gateway reported evicting, and holes nobody explained. */
export interface SeqGaps {
  gateway: string;
  /** Lowest and highest seq archived. */
  first: number;
  last: number;
  archived: number;
  /** Holes covered by the gateway's own `system.outbox.evicted` reports. */
  explained: Range[];
  /** Holes no report covers: loss, or events still on their way. */
  unexplained: Range[];
}

export interface ArchiveStore {
  /** `sqlite` or `postgres`, for logs. */
  readonly engine: string;
  /** Stores a batch in one commit; resolves with how many were new (an id archived before is skipped). */
  store(batch: readonly IncomingEvent[]): Promise<number>;
  /** The newest `q.limit` matching events, newest first. */
  query(q: EventQuery): Promise<ArchivedEvent[]>;
  /** Events archived in all. */
  count(): Promise<number>;
  /** Seq holes per gateway (all gateways, or the ones named). */
  gaps(gateways?: readonly string[]): Promise<SeqGaps[]>;
  /** Retention, where the engine partitions by month: drops whole months before `keepFrom`; returns what it dropped. */
  retain?(keepFrom: Month): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * When an event happened as best known: its own `ts` when the gateway's clock was synced, else when it
 * was received (a Pi without RTC stamps 1970 until NTP answers, which no time search would find).
 */
export function eventTime(e: EventEnvelope, receivedAt: number): number {
  const t = Date.parse(e.ts);
  return e.clock === 'synced' && !Number.isNaN(t) ? t : receivedAt;
}

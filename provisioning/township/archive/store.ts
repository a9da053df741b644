/**
 * The archive's storage port (issue 16): one interface, two engines — SQLite for a township (one file,
 * no server; the embedded default) and PostgreSQL for a county platform (partitioned by month, shared by
 * a group of archivers). Both pass one conformance suite (test/archive/store-conformance.test.ts).
 * Every call resolves only once its writes are committed: the archiver acknowledges the broker after.
 */
import type { EventQuery } from '../monitor/archive-query.js';
import type { Month } from './partitions.js';
import type { Range } from '../monitor/seq-ranges.js';
import { SEVERITIES, type EventEnvelope, type ReplyPayload, type Severity, type StatusPayload } from '../monitor/uplink-message.js';

/** An event as it arrived: the envelope, its township (from the topic) and when it was received (ms). */
export interface IncomingEvent {
  township: string;
  event: EventEnvelope;
  receivedAt: number;
}

/**
 * What the archive keeps besides events, for the monthly report: each gateway's birth and last will
 * (uptime) and its command replies (the response to alarms). `receivedAt` is when it first arrived: a
 * last will's own `ts` is when the gateway connected, not when it went away.
 */
export type ArchiveRecord =
  | { kind: 'status'; township: string; gateway: string; status: StatusPayload; receivedAt: number }
  | { kind: 'reply'; township: string; gateway: string; reply: ReplyPayload; receivedAt: number };

/** A gateway's status change as archived: online or not, from when (ms). */
export interface PresenceRow {
  gateway: string;
  online: boolean;
  atMs: number;
}

/** Counts over one time range, per gateway, that the monthly report is made of. */
export interface RangeCounts {
  /** Events by gateway, category and severity. */
  events: { gateway: string; township: string; category: string; severity: string; n: number }[];
  /** Command replies by gateway and status (and error code when rejected or failed). */
  replies: { gateway: string; status: string; code: string | null; n: number }[];
  /** Status changes in the range, and each gateway's last one before it, oldest first. */
  presence: PresenceRow[];
  /** `device.offline` / `device.online` events in the range, oldest first. */
  deviceChanges: { gateway: string; device: string; online: boolean; atMs: number }[];
}

/** A critical or major event as the duty officers handle it (接警 acknowledged, 结案 closed). */
export interface AlarmCase {
  eventId: string;
  township: string;
  gateway: string;
  device: string;
  type: string;
  severity: Severity;
  atMs: number;
  state: 'open' | 'acknowledged' | 'closed';
  ackBy: string | null;
  ackMs: number | null;
  note: string | null;
  closedBy: string | null;
  closedMs: number | null;
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
  /** Stores a batch (and status and reply records); resolves with how many events were new (an id archived before is skipped). */
  store(batch: readonly IncomingEvent[], records?: readonly ArchiveRecord[]): Promise<number>;
  /** Cases not closed yet, most severe and newest first. */
  openCases(limit: number): Promise<AlarmCase[]>;
  /** 接警: marks an open case acknowledged by `by`; false when it was not open (another console was first). */
  acknowledge(eventId: string, by: string, atMs: number): Promise<boolean>;
  /** 结案: closes a case with what was done; false when it was closed already. */
  closeCase(eventId: string, by: string, note: string, atMs: number): Promise<boolean>;
  /** The figures of `[from, to)` (ms) for a report. */
  counts(from: number, to: number): Promise<RangeCounts>;
  /** The newest `q.limit` matching events, newest first. */
  query(q: EventQuery): Promise<ArchivedEvent[]>;
  /**
   * Matching events received at or after `fromMs` (the archiver's clock), in order of arrival, at most
   * `q.limit`: what `vgw events query --follow` polls for (an event delivered late by its gateway has an
   * old time but a new arrival).
   */
  arrivedSince(q: EventQuery, fromMs: number): Promise<ArchivedEvent[]>;
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

/** A row of `alarm_cases` (either engine; PostgreSQL gives bigints as strings) as a case. */
export function caseOf(r: Record<string, unknown>): AlarmCase {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    eventId: String(r.event_id),
    township: String(r.township),
    gateway: String(r.gateway),
    device: String(r.device),
    type: String(r.type),
    severity: SEVERITIES[Number(r.severity)] ?? 'info',
    atMs: Number(r.at_ms),
    state: r.state as AlarmCase['state'],
    ackBy: (r.ack_by as string | null) ?? null,
    ackMs: num(r.ack_ms),
    note: (r.note as string | null) ?? null,
    closedBy: (r.closed_by as string | null) ?? null,
    closedMs: num(r.closed_ms),
  };
}

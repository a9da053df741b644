/**
 * Last-seen time per device and the last few events, kept in memory from what the outbox commits
 * (its 'added' rows), for `vgw status` and the status page. Only committed events count: a refused
 * one was never accepted. Bounded: one entry per device that ever sent, `RECENT` rows.
 *
 * Read from the outbox rather than as an event-bus observer: the bus's observers are the gateway's
 * reactions (style: its list says what acts on events), and a view only needs what was stored.
 */
import type { Clock } from '../kernel/clock.js';

/** Events kept for the status view (issue 12 item 7: the last 10). */
export const RECENT = 10;

/** One event as the status view lists it. */
export interface RecentEvent {
  seq: number;
  ts: number;
  device: string;
  type: string;
  severity: string;
}

/** A committed outbox row, as the outbox's 'added' listeners get it. */
export interface CommittedRow {
  topic: string;
  payload: Buffer;
}

/**
 * A string field of an envelope without parsing it: `device` and `type` come before `data` in the
 * contract's field order (kernel/envelope.ts), and ids and types cannot hold a quote, so the first
 * match is the envelope's own.
 */
function field(payload: Buffer, name: string): string | undefined {
  const key = `"${name}":"`;
  const at = payload.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  const end = payload.indexOf(0x22, start);
  return end < 0 ? undefined : payload.toString('utf8', start, end);
}

/** Last seen per device and the last events. */
export class Activity {
  private readonly seen = new Map<string, { ts: number; type: string }>();
  /** The last event rows, oldest first, parsed only when shown. */
  private readonly rows: { ts: number; payload: Buffer }[] = [];

  constructor(private readonly clock: Clock) {}

  /** What the outbox's 'added' listener is given; a row that is not an event is ignored. */
  readonly committed = (rows: readonly CommittedRow[]): void => {
    const ts = this.clock.now();
    for (const row of rows) {
      if (!row.topic.includes('/events/')) continue;
      const device = field(row.payload, 'device');
      const type = field(row.payload, 'type');
      if (device === undefined || type === undefined) continue;
      this.seen.set(device, { ts, type });
      this.rows.push({ ts, payload: row.payload });
      if (this.rows.length > RECENT) this.rows.shift();
    }
  };

  /** When `device` last sent an event that was committed, and its type; undefined if never since start. */
  lastSeen(device: string): { ts: number; type: string } | undefined {
    return this.seen.get(device);
  }

  /** The last events, newest first. */
  last(): RecentEvent[] {
    return this.rows
      .map(({ ts, payload }) => {
        const e = JSON.parse(payload.toString('utf8')) as { seq: number; device: string; type: string; severity: string };
        return { seq: e.seq, ts, device: e.device, type: e.type, severity: e.severity };
      })
      .reverse();
  }
}

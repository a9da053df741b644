/**
 * The monitoring console's model: everything the screen shows, computed from township messages alone
 * and testable without a terminal or a broker. It only listens — it acknowledges nothing on the
 * gateways' behalf and sends nothing to them.
 */
import { rangesOf } from '../archive/gaps-from-holes.js';
import { matchesEvent, matchesGateway, type MonitorFilter } from './filter.js';
import { GapTracker, summarize, type GapSummary } from './gaps.js';
import { DeviceTable, type DeviceStateMessage } from './device-table.js';
import { NoticeBoard } from './notice-board.js';
import { presenceEntry } from './presence-entry.js';
import { RecentIds } from './recent-ids.js';
import { ReplyList } from './reply-list.js';
import { SEVERITIES, type EventEnvelope, type Severity, type StatusPayload, type UplinkMessage } from './uplink-message.js';

export interface ModelOptions {
  filter?: MonitorFilter;
  /** Events kept for the list, per severity, so a flood of `info` never pushes an alarm out. */
  eventsPerSeverity?: number;
  /** Event ids remembered for de-duplication. */
  dedupCapacity?: number;
  /** Off when this console gets only a share of the events (`$share`): its seqs have holes by design. */
  trackGaps?: boolean;
  /** How long a hole may stay open while its gateway is online before it counts as loss. */
  settleMs?: number;
  /** A gateway that sends metrics is `silent` after missing this many of its own intervals. */
  silentAfterIntervals?: number;
}

/** The console's own link to the township broker. */
export type LinkState = 'connecting' | 'connected' | 'disconnected';
export type GatewayState = 'online' | 'offline' | 'silent' | 'unknown';
export type IngestResult = 'event' | 'duplicate' | 'status' | 'metrics' | 'reply' | 'filtered';

export interface GatewayRow {
  township: string;
  gateway: string;
  state: GatewayState;
  /** Why it is offline: the broker's last will (`lwt`) or a clean `shutdown`. */
  reason: 'lwt' | 'shutdown' | null;
  backlog: number | null;
  backlogAgeSec: number | null;
  /** When `backlog` was measured (its status or metrics message arrived), and `events` at that moment. */
  backlogAt: number | null;
  eventsAtBacklog: number | null;
  lastEventAt: number | null;
  events: number;
  duplicates: number;
  gaps: GapSummary | null;
}

export interface EventRow {
  receivedAt: number;
  event: EventEnvelope;
}

interface Entry {
  township: string;
  gateway: string;
  status: StatusPayload | null;
  onlineSince: number | null;
  backlog: number | null;
  backlogAgeSec: number | null;
  backlogAt: number | null;
  eventsAtBacklog: number | null;
  lastEventAt: number | null;
  lastHeardAt: number;
  metricsAt: number | null;
  metricsEveryMs: number | null;
  events: number;
  duplicates: number;
  gaps: GapTracker;
}

const STATE_ORDER: Record<GatewayState, number> = { offline: 0, silent: 1, unknown: 2, online: 3 };

export class MonitorModel {
  private readonly entries = new Map<string, Entry>();
  private readonly ids: RecentIds;
  private readonly recent = new Map<Severity, EventRow[]>(SEVERITIES.map((s) => [s, []]));
  private readonly o: Required<Omit<ModelOptions, 'filter'>> & { filter: MonitorFilter };
  link: LinkState = 'connecting';
  readonly stats = { events: 0, duplicates: 0, invalid: 0, lastInvalid: '' };
  /** Devices with a standing problem, from their retained states. */
  readonly devices = new DeviceTable();
  /** Command replies seen on the feed. */
  readonly replies = new ReplyList();
  /** Notices queued per village, from their `broadcast.*` events. */
  readonly notices = new NoticeBoard();

  constructor(options: ModelOptions = {}) {
    this.o = { filter: {}, eventsPerSeverity: 500, dedupCapacity: 200_000, trackGaps: true, settleMs: 30_000, silentAfterIntervals: 3, ...options };
    this.ids = new RecentIds(this.o.dedupCapacity);
  }

  /** A message the console could not read (see parseUplink). */
  invalid(reason: string): void {
    this.stats.invalid++;
    this.stats.lastInvalid = reason;
  }

  ingest(m: UplinkMessage, now = Date.now()): IngestResult {
    if (!matchesGateway(this.o.filter, m.township, m.gateway)) return 'filtered';
    const e = this.entry(m.township, m.gateway, now);
    e.lastHeardAt = now;
    switch (m.kind) {
      case 'status':
        this.presence(e, m.status, now);
        e.status = m.status;
        e.onlineSince = m.status.online ? now : null;
        if (m.status.online) this.measured(e, m.status.backlog, null, now);
        return 'status';
      case 'metrics':
        if (e.metricsAt !== null) e.metricsEveryMs = now - e.metricsAt;
        e.metricsAt = now;
        this.measured(e, m.metrics.backlog.depth, m.metrics.backlog.oldestAgeSec, now);
        return 'metrics';
      case 'event':
        return this.event(e, m.event, now);
      case 'reply':
        this.replies.see(m.township, m.gateway, m.reply, now);
        return 'reply';
    }
  }

  /** A device's retained state (device-table.ts); false when the console's filter leaves its gateway out. */
  deviceState(m: DeviceStateMessage, now = Date.now()): boolean {
    if (!matchesGateway(this.o.filter, m.township, m.gateway)) return false;
    this.devices.see(m.township, m.gateway, m.device, m.state, now);
    return true;
  }

  /**
   * Events from the archive when the console starts, so one started mid-shift is not blank: listed and
   * remembered for de-duplication, but left out of the per-gateway counts and seq gaps (the archive's
   * last few events have holes that are other gateways' events or older ones, not loss).
   */
  history(rows: readonly { township: string; receivedAt: number; event: EventEnvelope }[]): number {
    let n = 0;
    for (const r of [...rows].sort((a, b) => a.receivedAt - b.receivedAt)) {
      if (!matchesGateway(this.o.filter, r.township, r.event.gateway) || !this.ids.add(r.event.id)) continue;
      this.notices.see(r.township, r.event, r.receivedAt);
      this.list({ receivedAt: r.receivedAt, event: r.event });
      n++;
    }
    return n;
  }

  /** A gateway going offline, or coming back, is an entry of its own in the event list. */
  private presence(e: Entry, s: StatusPayload, now: number): void {
    const was = e.status?.online;
    // A retained "online" at start is no news; a retained "offline" is (it may have been so for hours).
    if (was === s.online || (was === undefined && s.online)) return;
    this.list(presenceEntry(e.gateway, s, now, was === undefined));
  }

  private list(row: EventRow): void {
    if (!matchesEvent(this.o.filter, row.event.category, row.event.severity)) return;
    const list = this.recent.get(row.event.severity) as EventRow[];
    list.push(row);
    // Trimmed in batches: amortised O(1) per event instead of a shift per event.
    if (list.length >= 2 * this.o.eventsPerSeverity) list.splice(0, list.length - this.o.eventsPerSeverity);
  }

  /** A backlog figure from the gateway, with what the screen needs to count it off as events arrive. */
  private measured(e: Entry, backlog: number, ageSec: number | null, now: number): void {
    [e.backlog, e.backlogAgeSec, e.backlogAt, e.eventsAtBacklog] = [backlog, ageSec, now, e.events];
  }

  private event(e: Entry, ev: EventEnvelope, now: number): IngestResult {
    if (!this.ids.add(ev.id)) {
      e.duplicates++;
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.stats.events++;
    e.events++;
    e.lastEventAt = now;
    e.gaps.see(ev.seq, now);
    // Only the gateway's own report explains gaps: a LAN device that sent this type hid real losses (issue 8, #9).
    if (ev.type === 'system.outbox.evicted' && ev.device === ev.gateway && ev.category === 'system') e.gaps.evict(rangesOf(ev.data));
    this.notices.see(e.township, ev, now);
    this.list({ receivedAt: now, event: ev });
    return 'event';
  }

  /** The gateways table: offline and silent ones first, then by township and id. */
  gateways(now = Date.now()): GatewayRow[] {
    const rows = [...this.entries.values()].map((e) => this.row(e, now));
    return rows.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.township.localeCompare(b.township) || a.gateway.localeCompare(b.gateway));
  }

  /** The latest events, most severe first, then newest first. */
  events(limit: number): EventRow[] {
    const out: EventRow[] = [];
    for (const s of SEVERITIES) {
      const list = this.recent.get(s) as EventRow[];
      for (let i = list.length - 1; i >= 0 && out.length < limit && list.length - i <= this.o.eventsPerSeverity; i--) out.push(list[i] as EventRow);
    }
    return out;
  }

  private row(e: Entry, now: number): GatewayRow {
    const s = e.status;
    let state: GatewayState = !s ? 'unknown' : s.online ? 'online' : 'offline';
    if (state === 'online' && e.metricsEveryMs !== null && now - e.lastHeardAt > this.o.silentAfterIntervals * e.metricsEveryMs) state = 'silent';
    return {
      township: e.township,
      gateway: e.gateway,
      state,
      reason: s && !s.online ? s.reason : null,
      backlog: e.backlog,
      backlogAgeSec: e.backlogAgeSec,
      backlogAt: e.backlogAt,
      eventsAtBacklog: e.eventsAtBacklog,
      lastEventAt: e.lastEventAt,
      events: e.events,
      duplicates: e.duplicates,
      gaps: this.o.trackGaps ? summarize(e.gaps.report(now, e.onlineSince, this.o.settleMs)) : null,
    };
  }

  private entry(township: string, gateway: string, now: number): Entry {
    const key = `${township}/${gateway}`;
    let e = this.entries.get(key);
    if (!e) {
      e = { township, gateway, status: null, onlineSince: null, backlog: null, backlogAgeSec: null, backlogAt: null, eventsAtBacklog: null, lastEventAt: null, lastHeardAt: now, metricsAt: null, metricsEveryMs: null, events: 0, duplicates: 0, gaps: new GapTracker() };
      this.entries.set(key, e);
    }
    return e;
  }
}

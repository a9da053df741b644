/**
 * The notices queued per village (一喇叭), as each gateway tells of its broadcast queue: the events
 * `broadcast.queued|started|finished|preempted|cancelled|expired|failed` (gateway/broadcast/outcomes.ts).
 * A notice is listed from `queued` until it was heard as often as asked (`finished` of its last play) or
 * ended otherwise; the console learns nothing a gateway did not publish.
 */
import type { EventEnvelope } from './uplink-message.js';

/** A notice still waiting or playing at a village. */
export interface NoticeRow {
  township: string;
  gateway: string;
  /** The broadcast command's id (what `vgw send broadcast.cancel --broadcast-id` takes). */
  id: string;
  state: 'waiting' | 'playing';
  priority: string;
  /** What is said: the text, the sound's name or the URL. */
  content: string;
  played: number;
  plays: number;
  /** When it is (next) due, as the gateway wrote it; '' when not told. */
  at: string;
  queuedAt: number;
}

const ENDS = new Set(['broadcast.cancelled', 'broadcast.expired', 'broadcast.failed']);
const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

/** Notices listed at most: one whose end was never published (a gateway replaced) must not stay for ever. */
const CAPACITY = 2000;

/** Notices waiting or playing, by gateway and broadcast id. */
export class NoticeBoard {
  private readonly notices = new Map<string, NoticeRow>();
  /** Notices seen to end (heard, cancelled, expired, failed). */
  ended = 0;

  see(township: string, e: EventEnvelope, now: number): void {
    if (e.category !== 'broadcast' || typeof e.data.broadcast !== 'string') return;
    const id = e.data.broadcast;
    const key = `${e.gateway}/${id}`;
    const n = this.notices.get(key);
    if (e.type === 'broadcast.queued') {
      const d = e.data;
      const content = [d.text, d.sound, d.url].find((v) => typeof v === 'string') as string | undefined;
      this.notices.set(key, { township, gateway: e.gateway, id, state: 'waiting', priority: String(d.priority ?? ''), content: content ?? '', played: 0, plays: num(d.plays, 1), at: typeof d.at === 'string' ? d.at : '', queuedAt: now });
      if (this.notices.size > CAPACITY) this.notices.delete(this.notices.keys().next().value as string);
      return;
    }
    if (!n) return;
    if (ENDS.has(e.type)) this.end(key);
    else if (e.type === 'broadcast.started') n.state = 'playing';
    else if (e.type === 'broadcast.preempted') n.state = 'waiting';
    else if (e.type === 'broadcast.finished') {
      n.played = num(e.data.play, n.played + 1);
      if (n.played >= num(e.data.plays, n.plays)) this.end(key);
      else n.state = 'waiting';
    }
  }

  private end(key: string): void {
    this.notices.delete(key);
    this.ended++;
  }

  /** By village, then in the order they were queued. */
  list(): NoticeRow[] {
    return [...this.notices.values()].sort((a, b) => a.township.localeCompare(b.township) || a.gateway.localeCompare(b.gateway) || a.queuedAt - b.queuedAt);
  }
}

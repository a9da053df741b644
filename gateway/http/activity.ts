/**
 * Last-seen time per device and the last few events, kept in memory from the event bus (a named
 * observer, issue 9), for `vgw status` and the status page. Bounded: one entry per device that ever
 * sent, `RECENT` events.
 */
import type { EventBus } from '../event-bus.js';
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

/** Last seen per device and the last events, from the bus. */
export class Activity {
  private readonly seen = new Map<string, { ts: number; type: string }>();
  private readonly recent: RecentEvent[] = [];
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly clock: Clock) {}

  /** Starts listening; only committed events count (a refused one was never accepted). */
  watch(bus: EventBus): void {
    this.unsubscribe = bus.subscribe('ops-activity', (event, committed) => {
      committed.then(
        ({ seq }) => {
          const ts = this.clock.now();
          this.seen.set(event.device, { ts, type: event.type });
          this.recent.push({ seq, ts, device: event.device, type: event.type, severity: event.severity });
          if (this.recent.length > RECENT) this.recent.shift();
        },
        () => {}, // not committed: the pipeline reports that; nothing was seen
      );
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** When `device` last sent an event that was committed, and its type; undefined if never since start. */
  lastSeen(device: string): { ts: number; type: string } | undefined {
    return this.seen.get(device);
  }

  /** The last events, newest first. */
  last(): RecentEvent[] {
    return [...this.recent].reverse();
  }
}

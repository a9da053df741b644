/**
 * `vgw events query --follow`: after the matches, keeps printing matching events as they are archived,
 * until Ctrl-C (like `tail -f`). It polls each archive by arrival time (store.arrivedSince), from a
 * little before the newest arrival seen: an archiver stamps an event when it arrives but commits it a
 * moment later, and archivers of a shared group on other hosts have clocks of their own, so an event
 * may become visible with an arrival time already passed. Ids printed in that window are remembered,
 * so each event is printed once.
 */
import type { ArchivedEvent, ArchiveStore } from '../archive/store.js';
import type { EventQuery } from '../monitor/archive-query.js';

/** How far before the newest arrival each poll looks again (commit lag and clock skew between archivers). */
export const FOLLOW_OVERLAP_MS = 10_000;
/** Events read per round trip. */
const PAGE = 1000;

export interface FollowOptions {
  /** Arrival time (ms) to start from, and the ids already printed. */
  fromMs: number;
  printed: Iterable<string>;
  pollMs: number;
  /** Resolves when following should end (Ctrl-C). */
  stop: Promise<void>;
}

/** Prints each new matching event of the stores once, oldest arrival first; resolves after `stop`. */
export async function followEvents(stores: readonly ArchiveStore[], q: EventQuery, print: (a: ArchivedEvent) => void, o: FollowOptions): Promise<void> {
  const seen = new Map<string, number>();
  for (const id of o.printed) seen.set(id, o.fromMs);
  let newest = o.fromMs;
  let stopped = false;
  void o.stop.then(() => (stopped = true));
  while (!stopped) {
    const fresh: ArchivedEvent[] = [];
    for (const store of stores) {
      let from = newest - FOLLOW_OVERLAP_MS;
      for (;;) {
        const rows = await store.arrivedSince({ ...q, limit: PAGE }, from);
        for (const a of rows) if (!seen.has(a.event.id)) {
          seen.set(a.event.id, a.receivedAt);
          fresh.push(a);
        }
        const last = rows[rows.length - 1]?.receivedAt ?? from;
        // A full page goes on from its last arrival; one whose rows all share a millisecond cannot.
        if (rows.length < PAGE || last === from) break;
        from = last;
      }
    }
    for (const a of fresh.sort((x, y) => x.receivedAt - y.receivedAt)) {
      print(a);
      newest = Math.max(newest, a.receivedAt);
    }
    for (const [id, at] of seen) if (at < newest - FOLLOW_OVERLAP_MS) seen.delete(id);
    await Promise.race([o.stop, new Promise((r) => setTimeout(r, o.pollMs))]);
  }
}

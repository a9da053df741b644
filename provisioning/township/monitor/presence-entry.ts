/**
 * A gateway going offline, or coming back, as an entry of the console's event list (issue 16): the
 * gateways table shows only the present state, while the duty officer needs to see when a village
 * dropped out and why — its last will (`lwt`: power or link lost) or a clean `shutdown` — and when it
 * returned. The entry is made by the console from the retained status; the gateway sends no event for
 * it (it cannot, once offline), so it has seq 0 and an id no gateway event can have.
 */
import type { EventRow } from './model.js';
import type { StatusPayload } from './uplink-message.js';

/** The entry's type, so the renderer and the filters can tell it from the gateway's own events. */
export const GATEWAY_OFFLINE = 'gateway.offline';
/** The entry of a gateway coming back. */
export const GATEWAY_ONLINE = 'gateway.online';

/** The event-list entry of a gateway's status change, seen at `now` (`atStart`: offline already when the console started). */
export function presenceEntry(gateway: string, s: StatusPayload, now: number, atStart = false): EventRow {
  const data: Record<string, unknown> = s.online ? { since: s.ts, backlog: s.backlog } : { reason: s.reason, why: s.reason === 'lwt' ? 'link or power lost 断线/断电' : 'shut down 正常关机' };
  // A retained will says nothing of when the gateway went: the time shown is only when this console learnt it.
  if (atStart) data.seen = 'offline when the console started 启动时已离线';
  return {
    receivedAt: now,
    event: {
      id: `status:${gateway}:${s.online ? 'online' : 'offline'}:${now}`,
      seq: 0,
      ts: s.ts,
      clock: 'unsynced',
      gateway,
      device: '-',
      category: 'system',
      type: s.online ? GATEWAY_ONLINE : GATEWAY_OFFLINE,
      // An unplanned loss of a village is worth a look; a planned shutdown less so; a return is news.
      severity: s.online ? 'info' : s.reason === 'lwt' ? 'major' : 'minor',
      data,
    },
  };
}

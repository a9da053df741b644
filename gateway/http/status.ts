/**
 * The box's own view (issue 12 item 7): one JSON snapshot that the status page renders, the local
 * socket serves and `vgw status` prints. Times are ms since the epoch; the renderers format them.
 */
import type { Activity, RecentEvent } from './activity.js';
import { evaluateHealth, type Health, type UplinkDownWatch } from './health.js';
import type { OpsSources } from './sources.js';

/** The box's own view at one moment (the JSON of /status.json). */
export interface StatusSnapshot {
  /** `daemon`: from the running gateway; `database`: read from the data dir with no daemon running. */
  source: 'daemon' | 'database';
  ts: number;
  gateway: { id: string; township: string; version?: string; bootId?: string; startedAt?: number };
  uplink: { state: string; connectedSince: number | null; downSince: number | null; reconnects?: number } | null;
  backlog: { depth: number; bytes?: number; oldest: number | null; drainEtaSec: number | null };
  devices: { id: string; driver: string; category?: string; online: boolean | null; status?: string; lastSeen: number | null; lastType: string | null }[];
  zones: { zone: string; armed: boolean }[];
  recent: RecentEvent[];
  broadcastQueued?: number;
  health?: Health;
  /** The last config reload since start (SIGHUP / `vgw reload`), if any. */
  reload?: ReloadOutcome | null;
}

/** What a config reload did. */
export interface ReloadOutcome {
  /** When it finished (ms since the epoch). */
  at: number;
  ok: boolean;
  /** Applied: what changed, e.g. `devices +siren-2 -pir-old; operators`. Refused: why. */
  message: string;
}

/** The running gateway's snapshot, read now. */
export function statusSnapshot(s: OpsSources, activity: Activity, uplinkDown: UplinkDownWatch): StatusSnapshot {
  const config = s.config();
  const now = s.clock.now();
  const age = s.outbox.oldestAgeMs();
  const rate = s.drainRate();
  return {
    source: 'daemon',
    ts: now,
    gateway: { id: config.gateway.id, township: config.gateway.township, version: s.version, bootId: s.bootId, startedAt: s.startedAt },
    uplink: { state: s.uplink.state, connectedSince: s.uplink.connectedSince, downSince: uplinkDown.downSince(), reconnects: s.uplink.reconnects },
    backlog: {
      depth: s.outbox.depth,
      bytes: s.outbox.bytes,
      oldest: age === null ? null : now - age,
      drainEtaSec: s.outbox.depth === 0 ? 0 : rate > 0 ? Math.ceil(s.outbox.depth / rate) : null,
    },
    devices: config.devices.map((d) => {
      const h = s.health(d.id);
      const seen = activity.lastSeen(d.id);
      return { id: d.id, driver: d.driver, category: d.category, online: h?.online ?? null, status: h?.status, lastSeen: seen?.ts ?? null, lastType: seen?.type ?? null };
    }),
    zones: s.zones(),
    recent: activity.last(),
    broadcastQueued: s.broadcastQueued(),
    health: evaluateHealth(s, uplinkDown),
    reload: s.lastReload(),
  };
}

/**
 * The status view when no daemon answers (issue 12 item 7): what the data directory's database says,
 * opened read-only (no migrations, no writes; a daemon may still be starting on it). Only undelivered
 * events are still there, so "recent" is the newest of those; device liveness is unknown.
 */
import { openReadOnly, type Db } from '../../cloud-bridge/db.js';
import type { Config } from '../config/schema.js';
import { RECENT } from './activity.js';
import type { StatusSnapshot } from './status.js';

const hasTable = (db: Db, name: string): boolean =>
  (db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) as number) > 0;

/** The snapshot read from `{dataDir}/gateway.db`; null when there is no database yet. */
export function storedStatus(config: Config, now = Date.now()): StatusSnapshot | null {
  const db = openReadOnly(config.gateway.dataDir);
  if (!db) return null;
  try {
    const outbox = hasTable(db, 'outbox');
    const totals = outbox ? (db.prepare('SELECT COUNT(*) AS depth, MIN(created) AS oldest FROM outbox').get() as { depth: number; oldest: number | null }) : { depth: 0, oldest: null };
    const rows = outbox ? (db.prepare("SELECT seq, payload FROM outbox WHERE kind = 'event' ORDER BY seq DESC LIMIT ?").all(RECENT) as { seq: number; payload: Buffer }[]) : [];
    const recent = rows.map((r) => {
      const e = JSON.parse(r.payload.toString('utf8')) as { ts: string; device: string; type: string; severity: string };
      return { seq: r.seq, ts: Date.parse(e.ts), device: e.device, type: e.type, severity: e.severity };
    });
    const arming = hasTable(db, 'zone_arming') ? new Map((db.prepare('SELECT zone, armed FROM zone_arming').all() as { zone: string; armed: number }[]).map((z) => [z.zone, z.armed === 1])) : new Map<string, boolean>();
    return {
      source: 'database',
      ts: now,
      gateway: { id: config.gateway.id, township: config.gateway.township },
      uplink: null,
      backlog: { depth: totals.depth, oldest: totals.oldest, drainEtaSec: totals.depth === 0 ? 0 : null },
      devices: config.devices.map((d) => ({ id: d.id, driver: d.driver, category: d.category, online: null, lastSeen: null, lastType: null })),
      zones: config.zones.map((z) => ({ zone: z.name, armed: arming.get(z.name) ?? false })),
      recent,
    };
  } finally {
    db.close();
  }
}

/**
 * Arming state on disk (table `zone_arming`, see cloud-bridge/migrations.ts), so a restart keeps what
 * the operators and schedules decided. Takes the gateway's one `Db` handle.
 */
import type { Db } from '../../cloud-bridge/db.js';

export interface ZoneState {
  armed: boolean;
  /** Who decided it last. */
  source: 'command' | 'schedule';
  /** Clock time of that decision (ms); a schedule boundary after it overrides it. */
  changed: number;
}

export class ArmingStore {
  constructor(private readonly db: Db) {}

  load(): Map<string, ZoneState> {
    const rows = this.db.prepare('SELECT zone, armed, source, changed FROM zone_arming').all() as { zone: string; armed: number; source: ZoneState['source']; changed: number }[];
    return new Map(rows.map((r) => [r.zone, { armed: r.armed === 1, source: r.source, changed: r.changed }]));
  }

  save(zone: string, s: ZoneState): void {
    this.db
      .prepare('INSERT INTO zone_arming (zone, armed, source, changed) VALUES (?, ?, ?, ?) ON CONFLICT (zone) DO UPDATE SET armed = excluded.armed, source = excluded.source, changed = excluded.changed')
      .run(zone, s.armed ? 1 : 0, s.source, s.changed);
  }
}

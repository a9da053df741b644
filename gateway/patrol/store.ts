/**
 * Each patrol route's current run on disk (table `patrol_runs`, see cloud-bridge/migrations.ts), so a
 * restart mid-route carries on with the checkpoint that was due, and a start is never begun twice.
 */
import type { Db } from '../../cloud-bridge/db.js';

/** Where a route's latest run stands. */
export interface RunState {
  /** Scheduled start (ms) of the latest run begun or passed. */
  slot: number;
  /** The run's id, in its events ('' for a start that passed while the gateway was off). */
  run: string;
  /** Checkpoints still due. */
  active: boolean;
  /** Index of the next checkpoint due. */
  next: number;
  /** When that checkpoint is missed (ms). */
  due: number;
  checked: number;
  missed: number;
}

/** The `patrol_runs` table, on the gateway's one `Db` handle. */
export class PatrolStore {
  constructor(private readonly db: Db) {}

  /** Every route's latest run. */
  load(): Map<string, RunState> {
    const rows = this.db.prepare('SELECT route, slot, run, active, next, due, checked, missed FROM patrol_runs').all() as (Omit<RunState, 'active'> & { route: string; active: number })[];
    return new Map(rows.map(({ route, active, ...r }) => [route, { ...r, active: active === 1 }]));
  }

  /** Stores a route's run. */
  save(route: string, s: RunState): void {
    this.db
      .prepare(
        `INSERT INTO patrol_runs (route, slot, run, active, next, due, checked, missed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (route) DO UPDATE SET slot = excluded.slot, run = excluded.run, active = excluded.active, next = excluded.next, due = excluded.due, checked = excluded.checked, missed = excluded.missed`,
      )
      .run(route, s.slot, s.run, s.active ? 1 : 0, s.next, s.due, s.checked, s.missed);
  }
}

/**
 * Last sightings and reported absences on disk (tables `person_seen`, `person_absence_alerts`, see
 * cloud-bridge/migrations.ts), so an absence is counted across restarts and reported once per absence.
 */
import type { Db } from '../../cloud-bridge/db.js';

/** Where and when a person was last seen. */
export interface LastSeen {
  lists: string[];
  /** Clock time (ms). */
  seen: number;
  device: string;
}

/** An absence reported: of `person` under `rule`, after the sighting at `seen`. */
export interface ReportedAbsence {
  rule: string;
  person: string;
  seen: number;
}

/** The person rules' tables, on the gateway's one `Db` handle. */
export class SightingStore {
  constructor(private readonly db: Db) {}

  /** Every stored last sighting, by person. */
  loadSeen(): Map<string, LastSeen> {
    const rows = this.db.prepare('SELECT person, lists, seen, device FROM person_seen').all() as { person: string; lists: string; seen: number; device: string }[];
    return new Map(rows.map((r) => [r.person, { lists: JSON.parse(r.lists) as string[], seen: r.seen, device: r.device }]));
  }

  /** Writes sightings and reported absences in one transaction, sightings first (a report names one). */
  save(seen: readonly [string, LastSeen][], reported: readonly ReportedAbsence[]): void {
    const upsertSeen = this.db.prepare('INSERT INTO person_seen (person, lists, seen, device) VALUES (?, ?, ?, ?) ON CONFLICT (person) DO UPDATE SET lists = excluded.lists, seen = excluded.seen, device = excluded.device');
    const upsertReported = this.db.prepare('INSERT INTO person_absence_alerts (rule, person, seen) VALUES (?, ?, ?) ON CONFLICT (rule, person) DO UPDATE SET seen = excluded.seen');
    this.db.transaction(() => {
      for (const [person, s] of seen) upsertSeen.run(person, JSON.stringify(s.lists), s.seen, s.device);
      for (const r of reported) upsertReported.run(r.rule, r.person, r.seen);
    })();
  }

  /** For each rule and person, the sighting (its `seen`) whose absence was already reported. */
  loadReported(): Map<string, number> {
    const rows = this.db.prepare('SELECT rule, person, seen FROM person_absence_alerts').all() as { rule: string; person: string; seen: number }[];
    return new Map(rows.map((r) => [reportKey(r.rule, r.person), r.seen]));
  }

}

/** The key of a reported absence in `loadReported`'s map. */
export const reportKey = (rule: string, person: string): string => `${rule}\u0000${person}`;

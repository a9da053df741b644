/**
 * The whitelist on disk (tables `access_*`, see cloud-bridge/migrations.ts): persons, their credentials
 * as keyed hashes, door groups, the version the township synced last. Rows belong to a generation: a
 * full sync writes the next one in small transactions, yielding to the event loop between them, and
 * makes it current in one; the old generation is then deleted in small steps.
 */
import type { Db } from '../../cloud-bridge/db.js';
import type { CredentialMethod } from '../../device-drivers/access.js';
import type { AccessSecret } from './secret.js';
import { controllerCardNumber, normalizeValue } from './secret.js';
import type { GroupInput, PersonInput } from './sync-payload.js';
import { toMs, toWeekly, type WeeklyWindow } from './windows.js';

/** A person as decisions read them. */
export interface Person {
  id: string;
  kind: 'resident' | 'staff' | 'visitor';
  watch: boolean;
  lists: string[];
  doors: string[];
  validFrom: number | null;
  validTo: number | null;
  windows: WeeklyWindow[] | null;
  host: string | null;
}

interface PersonRow {
  id: string;
  kind: Person['kind'];
  watch: number;
  lists: string;
  doors: string;
  valid_from: number | null;
  valid_to: number | null;
  windows: string | null;
  host: string | null;
}

/** Refused sync content (two persons with one credential); the message names persons, never values. */
export class SyncConflict extends Error {
  /** The reply's `error.code` (the router reads it): the payload, not the gateway, is at fault. */
  readonly replyCode = 'invalid';
}

/** Persons written per transaction of a full sync (~2 ms each here, 10-20 ms on a loaded box): an event waits at most that long. */
const CHUNK = 100;

const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  kind: r.kind,
  watch: r.watch === 1,
  lists: JSON.parse(r.lists) as string[],
  doors: JSON.parse(r.doors) as string[],
  validFrom: r.valid_from,
  validTo: r.valid_to,
  windows: r.windows === null ? null : (JSON.parse(r.windows) as WeeklyWindow[]),
  host: r.host,
});

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class AccessStore {
  private readonly s;
  private gen: number;
  private groups = new Map<string, string[]>();

  constructor(private readonly db: Db, private readonly secret: AccessSecret) {
    this.s = {
      counter: db.prepare('SELECT value FROM counters WHERE name = ?').pluck(),
      setCounter: db.prepare('UPDATE counters SET value = ? WHERE name = ?'),
      person: db.prepare('SELECT * FROM access_persons WHERE gen = ? AND id = ?'),
      persons: db.prepare('SELECT * FROM access_persons WHERE gen = ?'),
      count: db.prepare('SELECT COUNT(*) FROM access_persons WHERE gen = ?').pluck(),
      credential: db.prepare('SELECT person, method FROM access_credentials WHERE gen = ? AND hash = ?'),
      cards: db.prepare("SELECT person, card FROM access_credentials WHERE gen = ? AND method = 'card' AND card IS NOT NULL"),
      groups: db.prepare('SELECT name, doors FROM access_groups WHERE gen = ?'),
      insertPerson: db.prepare('INSERT INTO access_persons (gen, id, kind, watch, lists, doors, valid_from, valid_to, windows, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      insertCredential: db.prepare('INSERT INTO access_credentials (gen, hash, method, person, last2, card) VALUES (?, ?, ?, ?, ?, ?)'),
      insertGroup: db.prepare('INSERT INTO access_groups (gen, name, doors) VALUES (?, ?, ?) ON CONFLICT (gen, name) DO UPDATE SET doors = excluded.doors'),
      deletePerson: db.prepare('DELETE FROM access_persons WHERE gen = ? AND id = ?'),
      deleteCredentials: db.prepare('DELETE FROM access_credentials WHERE gen = ? AND person = ?'),
      deleteGroup: db.prepare('DELETE FROM access_groups WHERE gen = ? AND name = ?'),
      maxGen: db.prepare('SELECT MAX(gen) FROM (SELECT MAX(gen) AS gen FROM access_persons UNION ALL SELECT MAX(gen) FROM access_credentials UNION ALL SELECT MAX(gen) FROM access_groups)').pluck(),
    };
    this.gen = this.s.counter.get('access_gen') as number;
    this.loadGroups();
  }

  /** The whitelist version the township synced last (0: never). */
  get version(): number {
    return this.s.counter.get('access_version') as number;
  }

  /** Persons in the whitelist. */
  get size(): number {
    return this.s.count.get(this.gen) as number;
  }

  person(id: string): Person | undefined {
    const row = this.s.person.get(this.gen, id) as PersonRow | undefined;
    return row && toPerson(row);
  }

  /** The holder of a credential, by its hash. */
  holder(hash: string): string | undefined {
    return (this.s.credential.get(this.gen, hash) as { person: string } | undefined)?.person;
  }

  /** Every person of the current whitelist (for cards a controller keeps). */
  allPersons(): Person[] {
    return (this.s.persons.all(this.gen) as PersonRow[]).map(toPerson);
  }

  /** Card numbers by person, unsealed (only for pushing to door controllers). */
  cardsByPerson(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of this.s.cards.all(this.gen) as { person: string; card: Buffer }[]) out.set(r.person, [...(out.get(r.person) ?? []), this.secret.openCard(r.card)]);
    return out;
  }

  /** Whether `person` may pass `door` by their door list (door ids, groups, `*`). */
  allows(person: Person, door: string): boolean {
    return person.doors.some((d) => d === '*' || d === door || (d.startsWith('group:') && (this.groups.get(d.slice(6)) ?? []).includes(door)));
  }

  /** Replaces the whole whitelist: the next generation in small steps, current in one transaction. */
  async replace(version: number, groups: readonly GroupInput[], persons: readonly PersonInput[]): Promise<void> {
    this.checkDuplicates(persons);
    const next = Math.max(this.gen, (this.s.maxGen.get() as number | null) ?? 0) + 1;
    try {
      for (const g of groups) this.s.insertGroup.run(next, g.name, JSON.stringify(g.doors));
      for (let i = 0; i < persons.length; i += CHUNK) {
        const chunk = persons.slice(i, i + CHUNK);
        this.db.transaction(() => chunk.forEach((p) => this.insert(next, p)))();
        await nextTurn();
      }
    } catch (err) {
      await this.dropOtherGenerations();
      throw err;
    }
    this.db.transaction(() => {
      this.s.setCounter.run(next, 'access_gen');
      this.s.setCounter.run(version, 'access_version');
    })();
    this.gen = next;
    this.loadGroups();
    await this.dropOtherGenerations();
  }

  /** Applies a delta in one transaction (deltas are small). */
  applyDelta(version: number, d: { groups: readonly GroupInput[]; persons: readonly PersonInput[]; remove: readonly string[]; removeGroups: readonly string[] }): void {
    this.checkDuplicates(d.persons);
    this.db.transaction(() => {
      for (const name of d.removeGroups) this.s.deleteGroup.run(this.gen, name);
      for (const g of d.groups) this.s.insertGroup.run(this.gen, g.name, JSON.stringify(g.doors));
      for (const id of [...d.remove, ...d.persons.map((p) => p.id)]) {
        this.s.deletePerson.run(this.gen, id);
        this.s.deleteCredentials.run(this.gen, id);
      }
      for (const p of d.persons) this.insert(this.gen, p);
      this.s.setCounter.run(version, 'access_version');
    })();
    this.loadGroups();
  }

  private insert(gen: number, p: PersonInput): void {
    const windows = p.windows ? JSON.stringify(p.windows.map(toWeekly)) : null;
    this.s.insertPerson.run(gen, p.id, p.kind, p.watchListed ? 1 : 0, JSON.stringify(p.lists), JSON.stringify(p.doors), toMs(p.validFrom, false), toMs(p.validTo, true), windows, p.host ?? null);
    for (const c of p.credentials) {
      const masked = this.secret.mask(c);
      const card = c.method === 'card' ? controllerCardNumber(normalizeValue('card', c.value)) : null;
      try {
        this.s.insertCredential.run(gen, masked.hash, c.method, p.id, masked.last2, card === null ? null : this.secret.sealCard(card));
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
        throw new SyncConflict(`persons ${this.holderIn(gen, masked.hash) ?? '?'} and ${p.id} hold the same ${c.method} (ending ${masked.last2}); a credential belongs to one person`);
      }
    }
  }

  private holderIn(gen: number, hash: string): string | undefined {
    return (this.s.credential.get(gen, hash) as { person: string } | undefined)?.person;
  }

  /** Refuses a payload where two persons share a credential, before anything is written. */
  private checkDuplicates(persons: readonly PersonInput[]): void {
    const seen = new Map<string, string>();
    for (const p of persons) {
      for (const c of p.credentials) {
        const key = `${c.method}:${normalizeValue(c.method as CredentialMethod, c.value)}`;
        const other = seen.get(key);
        if (other !== undefined && other !== p.id) throw new SyncConflict(`persons ${other} and ${p.id} hold the same ${c.method} (ending ${key.slice(-2)}); a credential belongs to one person`);
        seen.set(key, p.id);
      }
    }
  }

  /**
   * Deletes the rows of every generation but the current one, a chunk per turn: the one a full sync
   * replaced, and what a sync cut off by a crash or a refusal left behind.
   */
  async dropOtherGenerations(): Promise<void> {
    for (const table of ['access_persons', 'access_credentials', 'access_groups']) {
      const del = this.db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE gen <> ? LIMIT ${CHUNK * 4})`);
      while (del.run(this.gen).changes > 0) await nextTurn();
    }
  }

  private loadGroups(): void {
    this.groups = new Map((this.s.groups.all(this.gen) as { name: string; doors: string }[]).map((g) => [g.name, JSON.parse(g.doors) as string[]]));
  }
}

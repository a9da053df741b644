/**
 * The access-control service (issue 10): the `AccessControl` seam drivers use. Every decision becomes a
 * record and an `access.granted` / `access.denied` event (category `access`) with data
 * `{door, reader, person?, reason?, credential: {method, hash, last2}, lists?}` — the shape the alert
 * rules read. Credential values are masked before anything is stored, logged or emitted.
 */
import type { Logger } from 'pino';
import type { Db } from '../../cloud-bridge/db.js';
import type { AccessControl, AccessDecision, AccessRequest, ControllerCard, Credential, DenyReason, MaskedCredential } from '../../device-drivers/access.js';
import type { Clock } from '../kernel/clock.js';
import type { AccessConfig } from './config.js';
import { AccessRecords } from './records.js';
import type { AccessSecret } from './secret.js';
import { AccessStore, type Person } from './store.js';
import type { SyncParams } from './sync-payload.js';
import { inWindows, localDate } from './windows.js';

/** A command outcome with its own reply code (the router answers `failed` with it). */
export class CommandFailed extends Error {
  constructor(
    /** The reply's `error.code`. */
    readonly replyCode: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AccessServiceDeps {
  db: Db;
  secret: AccessSecret;
  config: AccessConfig;
  clock: Clock;
  /** Commits an event from `device` in category `access`; resolves once on disk. `alongside` runs in the event's transaction. */
  emit(device: string, type: string, data: Record<string, unknown>, alongside?: () => void): Promise<void>;
  log: Logger;
}

const DAY_MS = 24 * 3600 * 1000;
/** Dates a controller is given for a person without a start or an end. */
const OPEN_FROM = '2000-01-01';
const OPEN_TO = '2099-12-31';

export class AccessService implements AccessControl {
  readonly store: AccessStore;
  private readonly records: AccessRecords;
  private readonly listeners = new Set<() => void>();
  private readonly antiPassback: ReadonlySet<string>;
  private readonly lastPassage;
  private readonly setPassage;
  /** Syncs run one after another: a delta is checked against the version the sync before it left. */
  private syncing: Promise<unknown> = Promise.resolve();
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: AccessServiceDeps) {
    this.store = new AccessStore(deps.db, deps.secret);
    this.records = new AccessRecords(deps.db);
    this.antiPassback = new Set(deps.config.antiPassback);
    this.lastPassage = deps.db.prepare('SELECT direction FROM access_passback WHERE person = ? AND door = ?').pluck();
    this.setPassage = deps.db.prepare('INSERT INTO access_passback (person, door, direction, ts) VALUES (?, ?, ?, ?) ON CONFLICT (person, door) DO UPDATE SET direction = excluded.direction, ts = excluded.ts');
  }

  /** Clears what an interrupted sync left, prunes the records now and then every `pruneIntervalSec`. */
  async start(): Promise<void> {
    await this.store.dropOtherGenerations();
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), this.deps.config.pruneIntervalSec * 1000);
    this.pruneTimer.unref();
  }

  stop(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  mask(credential: Credential): MaskedCredential {
    return this.deps.secret.mask(credential);
  }

  async decide(request: AccessRequest): Promise<AccessDecision> {
    const credential = this.mask(request.credential);
    const person = this.personOf(request.credential, credential.hash);
    const reason = person ? this.refusal(person, request) : 'unknown';
    if (person && !reason && request.direction && this.antiPassback.has(request.door)) {
      this.stored('anti-passback state', request, () => void this.setPassage.run(person.id, request.door, request.direction, this.deps.clock.now()));
    }
    return this.commit(request, { granted: reason === undefined, ...(reason ? { reason } : {}), ...(person ? { person: person.id } : {}), credential }, person, 'gateway');
  }

  async record(request: AccessRequest, granted: boolean, reason?: DenyReason): Promise<AccessDecision> {
    const credential = this.mask(request.credential);
    const person = this.personOf(request.credential, credential.hash);
    const decision: AccessDecision = { granted, ...(!granted ? { reason: reason ?? 'unknown' } : {}), ...(person ? { person: person.id } : {}), credential };
    // The same controller event read again (its commit done, the driver's cursor not yet): recorded once.
    if (request.ref !== undefined && this.records.has(request.reader, request.ref)) {
      this.deps.log.info({ reader: request.reader, ref: request.ref, door: request.door }, 'device event already recorded; not recorded again');
      return decision;
    }
    return this.commit(request, decision, person, 'device');
  }

  cardsFor(door: string): ControllerCard[] {
    const now = this.deps.clock.now();
    const cards = this.store.cardsByPerson();
    const out: ControllerCard[] = [];
    // A controller has whole-day validity and no weekly windows of ours: a person with windows is
    // given the days of their validity (the gateway's own readers still hold them to the windows).
    for (const p of this.store.allPersons()) {
      if (p.watch || (p.validTo !== null && p.validTo <= now) || !this.store.allows(p, door)) continue;
      const from = p.validFrom === null ? OPEN_FROM : localDate(p.validFrom);
      const to = p.validTo === null ? OPEN_TO : localDate(p.validTo - 1);
      for (const card of cards.get(p.id) ?? []) out.push({ card, person: p.id, from, to });
    }
    return out;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Applies an `access.sync`; a delta on another base version is refused with `full-sync-required`. */
  sync(params: SyncParams): Promise<void> {
    const run = async (): Promise<void> => {
      const started = Date.now();
      if (params.mode === 'full') {
        await this.store.replace(params.version, params.groups, params.persons);
      } else {
        const current = this.store.version;
        if (params.baseVersion !== current) {
          throw new CommandFailed('full-sync-required', `this gateway's whitelist is at version ${current}, the delta was made against ${params.baseVersion}; send a full access.sync`);
        }
        this.store.applyDelta(params.version, params);
      }
      this.deps.log.info({ mode: params.mode, version: params.version, persons: this.store.size, ms: Date.now() - started }, 'access whitelist synced');
      for (const listener of this.listeners) {
        try {
          listener();
        } catch (err) {
          this.deps.log.error({ err }, 'access change listener failed');
        }
      }
    };
    const result = this.syncing.then(run, run);
    this.syncing = result.catch(() => undefined);
    return result;
  }

  /** A face terminal names the person it matched; other credentials are looked up by their hash. */
  private personOf(credential: Credential, hash: string): Person | undefined {
    const id = credential.method === 'face' ? credential.value : this.store.holder(hash);
    return id === undefined ? undefined : this.store.person(id);
  }

  /** Why `person` may not pass now, in the order the township reads them; undefined: they may. */
  private refusal(person: Person, request: AccessRequest): DenyReason | undefined {
    const now = this.deps.clock.now();
    if (person.watch) return 'watch-listed';
    if ((person.validFrom !== null && now < person.validFrom) || (person.validTo !== null && now >= person.validTo)) return 'expired';
    if (!this.store.allows(person, request.door)) return 'door-not-allowed';
    if (person.windows && !inWindows(person.windows, now)) return 'outside-window';
    if (request.direction === 'in' && this.antiPassback.has(request.door) && this.lastPassage.get(person.id, request.door) === 'in') return 'anti-passback';
    return undefined;
  }

  private async commit(request: AccessRequest, decision: AccessDecision, person: Person | undefined, source: 'gateway' | 'device'): Promise<AccessDecision> {
    this.deps.log.debug({ door: request.door, reader: request.reader, person: decision.person, granted: decision.granted, reason: decision.reason, credential: decision.credential, source }, 'access decided');
    const add = () => this.records.add(this.deps.clock.now(), request, decision, source);
    // A record with a device's event ref commits with its event: both or neither, so a re-read after a crash is neither lost nor doubled.
    const ref = request.ref;
    const withEvent = ref !== undefined;
    if (!withEvent) this.stored('access record', request, add);
    const data: Record<string, unknown> = {
      door: request.door,
      reader: request.reader,
      ...(decision.person ? { person: decision.person } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
      credential: decision.credential,
      ...(person && person.lists.length ? { lists: person.lists } : {}),
    };
    try {
      await this.deps.emit(request.reader, decision.granted ? 'access.granted' : 'access.denied', data, withEvent ? add : undefined);
    } catch (err) {
      // The event refused (a full disk): the record is still kept where it can be, as for every decision.
      if (ref !== undefined) this.stored('access record', request, () => void (this.records.has(request.reader, ref) || add()));
      // The decision stands: a full or lost disk must not lock residents out (or in). The outbox has
      // counted the refused event and reports it (system.outbox.refused / database lost); said here too.
      this.deps.log.error({ err, code: (err as { code?: unknown }).code, door: request.door, person: decision.person, granted: decision.granted, credential: decision.credential }, 'access event not stored; the decision stands');
    }
    return decision;
  }

  /** Runs a write of the decision's side data; a failure (a full disk) is logged, never stops the decision. */
  private stored(what: string, request: AccessRequest, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.deps.log.error({ err, code: (err as { code?: unknown }).code, door: request.door, reader: request.reader, what }, 'access data not stored; the decision stands');
    }
  }

  private async prune(): Promise<void> {
    const { retentionDays, maxRecords } = this.deps.config;
    try {
      const deleted = await this.records.prune(this.deps.clock.now() - retentionDays * DAY_MS, maxRecords);
      if (deleted) this.deps.log.info({ deleted, retentionDays, maxRecords }, 'access records pruned');
    } catch (err) {
      this.deps.log.error({ err }, 'access records not pruned');
    }
  }
}

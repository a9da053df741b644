/**
 * Person alert rules (issue 10 item 6): watches accepted events on the bus and raises
 * `person.appeared` (a person of a watched list at a device, in a window), `person.stranger` (an
 * unknown face or credential at a device, in a window) and `person.absent` (a person of a watched list
 * seen nowhere for `hours`: once per absence, again only after a new sighting, across restarts).
 * Each runs locally, uplink or not; each names its rule's channels so the center can route it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.js';
import { isoLocal } from '../kernel/clock.js';
import { secMs } from '../kernel/timers.js';
import type { AcceptedEvent, EventDraft } from '../pipeline.js';
import type { BusEvent } from '../event-bus.js';
import type { PersonRuleConfig, PersonRulesConfig } from './config.js';
import { sightingOf, type PersonSighting, type Sighting } from './observed.js';
import { reportKey, type LastSeen, type ReportedAbsence, type SightingStore } from './store.js';
import { WeeklyWindows } from './weekly.js';

/** What the rules engine is given by the composition root. */
export interface PersonRulesDeps {
  config: PersonRulesConfig;
  /** The gateway id: the device of `person.absent` (seen nowhere). */
  gatewayId: string;
  store: SightingStore;
  /** Commits an event (the pipeline's `emit`). */
  emit(draft: EventDraft): Promise<AcceptedEvent>;
  clock: Clock;
  log: Logger;
}

/** Absences raised per look at most; the rest follow at the next looks (after days off, a whole list may be due at once). */
const MAX_ABSENCES_PER_LOOK = 200;
/** Cooldown entries kept before expired ones are dropped even with repeats still uncounted. */
const MAX_COOLDOWNS = 10_000;

type ScopedRule = Extract<PersonRuleConfig, { trigger: 'appear' | 'stranger' }>;
type AbsentRule = Extract<PersonRuleConfig, { trigger: 'absent' }>;

const overlap = (a: readonly string[], b: readonly string[]): string[] => a.filter((x) => b.includes(x));

/** The `personRules` engine: a bus observer and a periodic look for absences. */
export class PersonRules {
  private readonly windows = new Map<string, WeeklyWindows>();
  private readonly absentRules: AbsentRule[];
  /** Lists some absence rule watches: only their persons' sightings are kept. */
  private readonly watched: Set<string>;
  private seen = new Map<string, LastSeen>();
  /**
   * Persons whose sighting is not on disk yet: written together at each look (one transaction, one
   * fsync), not one commit per sighting. A crash loses at most `checkEverySec` of last-seen times.
   */
  private readonly dirty = new Set<string>();
  /** Absences committed but not yet marked on disk (written with the sightings; a crash before repeats the alert, never loses it). */
  private readonly reportedDirty: ReportedAbsence[] = [];
  private reported = new Map<string, number>();
  private readonly cooldowns = new Map<string, { until: number; suppressed: number }>();
  private readonly pending = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  /** Whether the watched persons have reached `maxWatchedPersons` (said once in the log). */
  private full = false;

  constructor(private readonly deps: PersonRulesDeps) {
    for (const r of deps.config.rules) if (r.trigger !== 'absent') this.windows.set(r.name, new WeeklyWindows(r.windows ?? []));
    this.absentRules = deps.config.rules.filter((r): r is AbsentRule => r.trigger === 'absent');
    this.watched = new Set(this.absentRules.flatMap((r) => r.lists));
  }

  /** Loads the sightings and reported absences, looks for absences now and then every `checkEverySec`. */
  start(): void {
    this.seen = this.deps.store.loadSeen();
    this.reported = this.deps.store.loadReported();
    this.evaluate();
    if (this.absentRules.length === 0) return;
    this.timer = setInterval(() => this.evaluate(), secMs(this.deps.config.checkEverySec));
    this.timer.unref();
  }

  /** Stops looking, writes the sightings not yet on disk, waits for alerts being recorded. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pending]);
    this.flush();
  }

  /** A bus observer: judges `event` once it is committed (a refused event is resent by its device). */
  observe(event: BusEvent, committed: Promise<AcceptedEvent>): void {
    const sighting = sightingOf(event);
    if (!sighting) return;
    const now = this.deps.clock.now();
    this.track(committed.then((cause) => this.judge(sighting, event, cause, now), () => undefined));
  }

  /** Raises the absences due at the clock's time; while the clock is unsynced (a Pi without RTC) absences cannot be judged. */
  evaluate(): void {
    this.pruneCooldowns();
    this.flush();
    if (!this.deps.clock.synced()) return;
    const now = this.deps.clock.now();
    let raised = 0;
    for (const rule of this.absentRules) {
      for (const [person, last] of this.seen) {
        const lists = overlap(last.lists, rule.lists);
        if (lists.length === 0 || now - last.seen < rule.hours * 3600_000) continue;
        const key = reportKey(rule.name, person);
        if (this.reported.get(key) === last.seen) continue;
        if (raised++ >= MAX_ABSENCES_PER_LOOK) return;
        this.reported.set(key, last.seen); // at once: the next look must not report it again
        this.track(this.reportAbsence(rule, person, lists, last, key));
      }
    }
  }

  private async judge(s: Sighting, cause: BusEvent, ids: AcceptedEvent, now: number): Promise<void> {
    if (s.kind === 'person') this.record(s, now);
    const ref = { device: cause.device, type: cause.type, id: ids.id, seq: ids.seq };
    for (const rule of this.deps.config.rules) {
      if (rule.trigger === 'absent' || !this.inScope(rule, s.device, now)) continue;
      if (rule.trigger === 'appear' && s.kind === 'person') {
        const lists = overlap(s.lists, rule.lists);
        if (lists.length === 0) continue;
        const data = { person: s.person, lists, via: s.via, ...(s.score !== undefined ? { score: s.score } : {}), cause: ref };
        await this.alert(rule, `${s.person}\u0000${s.device}`, now, { device: s.device, type: 'person.appeared', data });
      } else if (rule.trigger === 'stranger' && s.kind === 'stranger') {
        await this.alert(rule, `\u0000${s.device}`, now, { device: s.device, type: 'person.stranger', data: { source: s.source, ...s.detail, cause: ref } });
      }
    }
  }

  private inScope(rule: ScopedRule, device: string, now: number): boolean {
    return (rule.devices === undefined || rule.devices.includes(device)) && (this.windows.get(rule.name) as WeeklyWindows).contains(now);
  }

  /** Raises an alert unless the same one was raised within the rule's cooldown (then it is counted). */
  private async alert(rule: ScopedRule, subject: string, now: number, e: { device: string; type: string; data: Record<string, unknown> }): Promise<void> {
    const key = `${rule.name}\u0000${subject}`;
    const last = this.cooldowns.get(key);
    if (last && now < last.until) {
      last.suppressed++;
      return;
    }
    this.cooldowns.set(key, { until: now + rule.cooldownSec * 1000, suppressed: 0 });
    const repeats = last?.suppressed ? { suppressed: last.suppressed } : {};
    await this.commit(rule, { ...e, data: { rule: rule.name, ...e.data, ...repeats, channels: rule.channels } });
  }

  /** Keeps the last sighting of a person on a watched list (or one already kept). */
  private record(s: PersonSighting, now: number): void {
    const old = this.seen.get(s.person);
    // An access event lists every list of the person; a face match names the one it matched.
    const lists = s.listsComplete ? s.lists : [...new Set([...(old?.lists ?? []), ...s.lists])];
    if (!old && overlap(lists, [...this.watched]).length === 0) return;
    const max = this.deps.config.maxWatchedPersons;
    if (!old && this.seen.size >= max) {
      // Bounded before it is kept: a device flooding made-up persons must not grow memory and disk.
      if (!this.full) this.deps.log.warn({ person: s.person, max }, 'too many persons watched for absence; new ones are not tracked');
      this.full = true;
      return;
    }
    this.seen.set(s.person, { lists, seen: now, device: s.device });
    this.dirty.add(s.person);
    // Seen again after a reported absence: on disk at once, so a restart counts the new absence from here.
    if (old !== undefined && this.absentRules.some((r) => this.reported.get(reportKey(r.name, s.person)) === old.seen)) this.flush();
  }

  /** Writes the sightings and reported absences not yet on disk; on a failure they stay queued for the next look. */
  private flush(): void {
    if (this.dirty.size === 0 && this.reportedDirty.length === 0) return;
    try {
      this.deps.store.save([...this.dirty].map((person) => [person, this.seen.get(person) as LastSeen]), this.reportedDirty);
      this.dirty.clear();
      this.reportedDirty.length = 0;
    } catch (err) {
      this.deps.log.error({ err, persons: this.dirty.size, absences: this.reportedDirty.length }, 'person sightings not stored; tried again at the next look');
    }
  }

  private async reportAbsence(rule: AbsentRule, person: string, lists: string[], last: LastSeen, key: string): Promise<void> {
    const data = { rule: rule.name, person, lists, hours: rule.hours, lastSeen: isoLocal(last.seen), lastDevice: last.device, channels: rule.channels };
    const ok = await this.commit(rule, { device: this.deps.gatewayId, type: 'person.absent', data });
    if (!ok) {
      this.reported.delete(key); // tried again at the next look
      return;
    }
    this.reportedDirty.push({ rule: rule.name, person, seen: last.seen });
  }

  private async commit(rule: PersonRuleConfig, e: { device: string; type: string; data: Record<string, unknown> }): Promise<boolean> {
    try {
      await this.deps.emit({ ...e, category: 'access', severity: rule.severity });
      this.deps.log.info({ rule: rule.name, type: e.type, device: e.device }, 'person rule raised');
      return true;
    } catch (err) {
      this.deps.log.error({ err, rule: rule.name, type: e.type }, 'person rule event not recorded');
      return false;
    }
  }

  private pruneCooldowns(): void {
    const now = this.deps.clock.now();
    const crowded = this.cooldowns.size > MAX_COOLDOWNS;
    for (const [key, c] of this.cooldowns) if (c.until <= now && (c.suppressed === 0 || crowded)) this.cooldowns.delete(key);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => this.deps.log.error({ err }, 'person rule failed'));
    this.pending.add(p);
    const done = () => this.pending.delete(p);
    p.then(done, done);
  }
}

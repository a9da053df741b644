/**
 * Electronic patrol (issue 10 item 8, 电子巡更): at each scheduled start a route's run begins
 * (`patrol.started`); a guard's visit to the next checkpoint (a card swipe or face at its reader, or
 * its button) is `patrol.checked`; a checkpoint not reached in its time is `patrol.missed` (major) and
 * the next leg counts from that deadline; a checkpoint passed over (a later one visited first) is
 * missed at once; after the last, `patrol.completed`. Runs locally, uplink or not, and carries on
 * across a restart (patrol_runs). Transitions run one at a time, in order; each is committed before
 * its state is stored, so a crash in between repeats an event rather than losing one.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.js';
import { isoLocal } from '../kernel/clock.js';
import type { Severity } from '../kernel/severity.js';
import { secMs } from '../kernel/timers.js';
import type { BusEvent } from '../event-bus.js';
import type { AcceptedEvent, EventDraft } from '../pipeline.js';
import { sightingOf } from '../person-rules/observed.js';
import { WeeklyTimes } from '../person-rules/weekly.js';
import { routeMs, type CheckpointConfig, type PatrolConfig, type RouteConfig } from './config.js';
import type { PatrolStore, RunState } from './store.js';

/** What the patrol engine is given by the composition root. */
export interface PatrolDeps {
  config: PatrolConfig;
  /** The gateway id: the device of `patrol.started` / `patrol.completed`. */
  gatewayId: string;
  store: PatrolStore;
  /** Commits an event (the pipeline's `emit`). */
  emit(draft: EventDraft): Promise<AcceptedEvent>;
  clock: Clock;
  log: Logger;
}

/** A visit: who came to which checkpoints (one device may be several checkpoints' device). */
interface Visit {
  points: Set<string>;
  guard: string | null;
  lists: string[];
  device: string;
  via: string;
}

type Draft = { device: string; type: string; severity: Severity; data: Record<string, unknown> };

const legMs = (r: RouteConfig, i: number): number => (r.checkpoints[i]?.withinMin ?? 0) * 60_000;

/** The `patrol` engine: a bus observer and a periodic look at starts and deadlines. */
export class Patrol {
  private readonly schedules: Map<string, WeeklyTimes>;
  private readonly points: Map<string, CheckpointConfig>;
  private states = new Map<string, RunState>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** The current transition's events, in order, and the routes whose state it changed. */
  private drafts: Draft[] = [];
  private touched = new Set<string>();

  constructor(private readonly deps: PatrolDeps) {
    this.schedules = new Map(deps.config.routes.map((r) => [r.name, new WeeklyTimes(r.starts)]));
    this.points = new Map(deps.config.checkpoints.map((c) => [c.name, c]));
  }

  /** Loads the runs, applies what fell due while the gateway was off, then looks every `checkEverySec`. */
  async start(): Promise<void> {
    if (this.deps.config.routes.length === 0) return;
    this.states = this.deps.store.load();
    await this.evaluate();
    this.timer = setInterval(() => void this.evaluate(), secMs(this.deps.config.checkEverySec));
    this.timer.unref();
  }

  /** Stops looking; waits for the transition under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue;
  }

  /** A bus observer: a committed event at a checkpoint's device is a visit. */
  observe(event: BusEvent, committed: Promise<AcceptedEvent>): void {
    const visit = this.visitOf(event);
    if (!visit) return;
    const now = this.deps.clock.now();
    void committed.then(
      () => this.serial(() => this.deps.config.routes.forEach((r) => this.step(r, now, visit))),
      () => undefined, // not accepted: its device sends it again
    );
  }

  /** Starts due runs and misses overdue checkpoints at the clock's time. */
  evaluate(): Promise<void> {
    const now = this.deps.clock.now();
    return this.serial(() => this.deps.config.routes.forEach((r) => this.step(r, now, null)));
  }

  private visitOf(event: BusEvent): Visit | null {
    const sighting = sightingOf(event);
    const person = sighting?.kind === 'person' ? sighting : null;
    const points = new Set<string>();
    for (const c of this.deps.config.checkpoints) {
      if (c.device !== event.device) continue;
      if (c.type ? c.type === event.type : person !== null) points.add(c.name);
    }
    return points.size ? { points, guard: person?.person ?? null, lists: person?.lists ?? [], device: event.device, via: event.type } : null;
  }

  /** Runs `fn` after the transitions before it; the events it queues are committed in order, then the states stored. */
  private serial(fn: () => void): Promise<void> {
    const run = async (): Promise<void> => {
      this.drafts = [];
      this.touched = new Set();
      fn();
      const { drafts, touched } = this;
      for (const d of drafts) {
        await this.deps.emit({ ...d, category: 'patrol' }).catch((err: unknown) => this.deps.log.error({ err, type: d.type, route: d.data.route }, 'patrol event not recorded'));
      }
      for (const route of touched) {
        try {
          this.deps.store.save(route, this.states.get(route) as RunState);
        } catch (err) {
          this.deps.log.error({ err, route }, 'patrol state not stored');
        }
      }
    };
    // A failed transition is logged; the queue goes on with the next one.
    this.queue = this.queue.then(run).catch((err: unknown) => this.deps.log.error({ err }, 'patrol transition failed'));
    return this.queue;
  }

  private step(route: RouteConfig, now: number, visit: Visit | null): void {
    // Starts and deadlines need a true clock (a Pi has no RTC): until NTP has synced, only visits count.
    if (!this.deps.clock.synced()) {
      if (visit) this.visit(route, now, visit);
      return;
    }
    this.overdue(route, now);
    const slot = (this.schedules.get(route.name) as WeeklyTimes).latest(now);
    const st = this.states.get(route.name);
    if (slot !== null && (!st || slot > st.slot)) {
      if (st?.active) while (st.active) this.miss(route, st, 'next-run');
      this.begin(route, slot, now);
      this.overdue(route, now);
    }
    if (visit) this.visit(route, now, visit);
  }

  private begin(route: RouteConfig, slot: number, now: number): void {
    const base = { slot, next: 0, due: slot + legMs(route, 0), checked: 0, missed: 0 };
    const known = this.states.has(route.name);
    this.touched.add(route.name);
    if (now >= slot + routeMs(route)) {
      // The whole run fell while the gateway was off: nothing can still be checked. A route new to
      // this box (first start, or just configured) has no run to report as skipped.
      this.states.set(route.name, { ...base, run: '', active: false });
      if (!known) return;
      this.deps.log.warn({ route: route.name, scheduledAt: isoLocal(slot) }, 'patrol start passed while the gateway was off');
      this.drafts.push({ device: this.deps.gatewayId, type: 'patrol.skipped', severity: 'minor', data: { route: route.name, scheduledAt: isoLocal(slot), reason: 'gateway-off' } });
      return;
    }
    const st: RunState = { ...base, run: randomUUID(), active: true };
    this.states.set(route.name, st);
    this.drafts.push({ device: this.deps.gatewayId, type: 'patrol.started', severity: 'info', data: { route: route.name, run: st.run, scheduledAt: isoLocal(slot), checkpoints: route.checkpoints.map((c) => c.checkpoint) } });
  }

  private overdue(route: RouteConfig, now: number): void {
    const st = this.states.get(route.name);
    if (st?.active && now >= st.due) this.touched.add(route.name);
    while (st?.active && now >= st.due) this.miss(route, st, 'late');
  }

  private visit(route: RouteConfig, now: number, v: Visit): void {
    const st = this.states.get(route.name);
    if (!st?.active) return;
    this.touched.add(route.name);
    if (route.guardLists && v.guard !== null && !v.lists.some((l) => route.guardLists?.includes(l))) return;
    const k = route.checkpoints.findIndex((c, i) => i >= st.next && v.points.has(c.checkpoint));
    if (k < 0) {
      this.deps.log.info({ route: route.name, device: v.device, guard: v.guard }, 'patrol visit not due on the route; ignored');
      return;
    }
    while (st.next < k) this.miss(route, st, 'skipped');
    const leg = route.checkpoints[k]?.checkpoint as string;
    const since = st.due - legMs(route, k);
    this.drafts.push({
      device: v.device,
      type: 'patrol.checked',
      severity: 'info',
      data: { route: route.name, run: st.run, checkpoint: leg, index: k, ...(v.guard !== null ? { guard: v.guard } : {}), via: v.via, elapsedSec: Math.round((now - since) / 1000), left: route.checkpoints.length - k - 1 },
    });
    st.checked++;
    this.advance(route, st, now);
  }

  private miss(route: RouteConfig, st: RunState, reason: 'late' | 'skipped' | 'next-run'): void {
    const leg = route.checkpoints[st.next]?.checkpoint as string;
    const device = this.points.get(leg)?.device ?? this.deps.gatewayId;
    this.drafts.push({ device, type: 'patrol.missed', severity: 'major', data: { route: route.name, run: st.run, checkpoint: leg, index: st.next, dueBy: isoLocal(st.due), reason } });
    st.missed++;
    // A late one's successor counts from the deadline; a passed-over one's from the visit before it
    // (the guard is already further on, so that leg's time keeps running from there).
    this.advance(route, st, reason === 'skipped' ? st.due - legMs(route, st.next) : st.due);
  }

  /** Moves to the next checkpoint, its time counted from `from`; after the last, the run is complete. */
  private advance(route: RouteConfig, st: RunState, from: number): void {
    st.next++;
    if (st.next < route.checkpoints.length) {
      st.due = from + legMs(route, st.next);
      return;
    }
    st.active = false;
    this.drafts.push({ device: this.deps.gatewayId, type: 'patrol.completed', severity: 'info', data: { route: route.name, run: st.run, scheduledAt: isoLocal(st.slot), checked: st.checked, missed: st.missed } });
  }
}

/**
 * The `patrol` config key (issue 10 item 8, 电子巡更): checkpoints (a reader where a guard swipes a
 * card, or a GPIO button at the point) and routes that visit them in order, each leg with the time
 * allowed, on a weekly schedule in the gateway's local time.
 */
import { z } from 'zod';
import { EVENT_TYPE } from '../kernel/ids.js';
import { timerSec } from '../kernel/timers.js';
import { parseWeeklyTime, START_HINT, WeeklyTimes } from '../person-rules/weekly.js';

const NAME = /^[a-z0-9-]{1,64}$/;
const NAME_HINT = 'lowercase letters, digits and "-", 1 to 64 characters';
/** Longest leg of a route. */
const MAX_LEG_MIN = 24 * 60;

const checkpointSchema = z
  .object({
    /** Checkpoint name, in routes and in `patrol.*` events. */
    name: z.string().regex(NAME, NAME_HINT),
    /** The device at the point: a card reader or face terminal (a guard's `access.granted`/`access.denied`/`face.matched` there), or a button input. */
    device: z.string().min(1),
    /** Event type that counts as a visit (e.g. `alarm.triggered` of a button's alarm-input); unset: a known person's swipe or face at `device`. */
    type: z
      .string()
      .regex(EVENT_TYPE, 'an event type like "alarm.triggered"')
      .refine((t) => !t.startsWith('patrol.') && !t.startsWith('person.'), 'patrol.* and person.* are the gateway\'s own events; name the event the device sends')
      .optional(),
  })
  .strict();

const legSchema = z
  .object({
    /** A checkpoint under `patrol.checkpoints`. */
    checkpoint: z.string(),
    /** Minutes allowed to reach it: from the route's start for the first, from the previous checkpoint for the others. */
    withinMin: z.number().positive().max(MAX_LEG_MIN),
  })
  .strict();

const routeSchema = z
  .object({
    /** Route name, in `patrol.*` events. */
    name: z.string().regex(NAME, NAME_HINT),
    /** Start times, local: `"22:00"` daily, `"mon-fri 22:00"` on some days. */
    starts: z.array(z.string().refine((s) => parseWeeklyTime(s) !== null, START_HINT)).min(1),
    /** The checkpoints in order, each with the time allowed to reach it. */
    checkpoints: z.array(legSchema).min(1).max(100),
    /** Only guards on these person lists count at reader checkpoints; unset: any known person. */
    guardLists: z.array(z.string().min(1).max(128)).min(1).optional(),
  })
  .strict();
/** A validated route. */
export type RouteConfig = z.infer<typeof routeSchema>;
/** A validated checkpoint. */
export type CheckpointConfig = z.infer<typeof checkpointSchema>;

/** The `patrol` section. */
export const patrolSchema = z
  .object({
    /** How often deadlines and start times are looked at (seconds): a missed checkpoint is reported at most this late. */
    checkEverySec: timerSec(z.number().min(0.01), 600).default(15),
    /** Patrol check-in points. */
    checkpoints: z.array(checkpointSchema).default([]),
    /** Patrol routes. */
    routes: z.array(routeSchema).default([]),
  })
  .strict()
  .default({ checkEverySec: 15, checkpoints: [], routes: [] });
/** The validated `patrol` section. */
export type PatrolConfig = z.infer<typeof patrolSchema>;

/** The time a whole route may take (ms). */
export const routeMs = (r: RouteConfig): number => r.checkpoints.reduce((sum, c) => sum + c.withinMin * 60_000, 0);

/** Cross-key checks: names unique, devices and checkpoints exist, a run ends before the next starts. */
export function checkPatrol(cfg: { patrol: PatrolConfig; devices: readonly { id: string }[] }): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const devices = new Set(cfg.devices.map((d) => d.id));
  const points = new Set<string>();
  cfg.patrol.checkpoints.forEach((c, i) => {
    if (points.has(c.name)) issues.push({ path: ['patrol', 'checkpoints', i, 'name'], message: `checkpoint "${c.name}" is listed twice; give each its own name` });
    points.add(c.name);
    if (!devices.has(c.device)) issues.push({ path: ['patrol', 'checkpoints', i, 'device'], message: `no device "${c.device}" under devices; name the reader or button input at this point` });
  });
  const pointList = [...points].map((p) => `"${p}"`).join(', ') || 'none yet';
  const routes = new Set<string>();
  cfg.patrol.routes.forEach((r, i) => {
    if (routes.has(r.name)) issues.push({ path: ['patrol', 'routes', i, 'name'], message: `route "${r.name}" is listed twice; give each its own name` });
    routes.add(r.name);
    r.checkpoints.forEach((leg, j) => {
      if (!points.has(leg.checkpoint)) issues.push({ path: ['patrol', 'routes', i, 'checkpoints', j, 'checkpoint'], message: `no checkpoint "${leg.checkpoint}" under patrol.checkpoints (${pointList}); add it there or fix the spelling` });
    });
    if (r.starts.some((s) => parseWeeklyTime(s) === null)) return;
    const gap = new WeeklyTimes(r.starts).shortestGapMs();
    const total = routeMs(r);
    if (total >= gap) issues.push({ path: ['patrol', 'routes', i, 'checkpoints'], message: `the route takes up to ${total / 60_000} min but starts again after ${gap / 60_000} min; shorten the withinMin times or space the starts further apart` });
  });
  return issues;
}

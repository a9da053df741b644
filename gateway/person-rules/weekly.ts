/**
 * Weekly time windows (the seeds' 告警维度 时间段) and weekly start times, in the gateway's local time
 * zone (the process TZ, as set on the box), built with local-time `Date` arithmetic like the arming
 * schedules (gateway/arming/schedule.ts), so they keep their wall-clock times across DST changes.
 * A window is `"22:00-06:00"` (every day) or `"mon-fri 22:00-06:00"`; one that crosses midnight
 * belongs to the day it starts on, so `"fri 22:00-06:00"` covers Saturday 03:00.
 */
import { at, parseWindow, type Window } from '../arming/schedule.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** What a window string looks like, for config errors. */
export const WINDOW_HINT = 'a window "HH:MM-HH:MM" in 24-hour local time, optionally after days, e.g. "22:00-06:00" or "mon-fri 08:00-18:00"';
/** What a start time string looks like, for config errors. */
export const START_HINT = 'a local start time "HH:MM", optionally after days, e.g. "22:00" or "sat,sun 02:00"';

/** `mon-fri`, `sat,sun`, `mon,wed-fri` → weekday numbers (0 = Sunday); null when it does not parse. */
function parseDays(text: string): Set<number> | null {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to = from] = part.split('-');
    const a = DAY_NAMES.indexOf(from as (typeof DAY_NAMES)[number]);
    const b = DAY_NAMES.indexOf(to as (typeof DAY_NAMES)[number]);
    if (a < 0 || b < 0) return null;
    // A range may wrap the week: `sat-mon` is Saturday, Sunday, Monday.
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return days;
}

/** Splits `"[days ]rest"`; every day when no days are given. */
function splitDays(text: string): { days: Set<number> | null; rest: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 1) return { days: new Set([0, 1, 2, 3, 4, 5, 6]), rest: parts[0] as string };
  if (parts.length !== 2) return { days: null, rest: '' };
  return { days: parseDays((parts[0] as string).toLowerCase()), rest: parts[1] as string };
}

interface WeeklyWindow extends Window {
  days: Set<number>;
}

/** A weekly window, or null when `text` does not parse. */
export function parseWeeklyWindow(text: string): WeeklyWindow | null {
  const { days, rest } = splitDays(text);
  const w = days && parseWindow(rest);
  return days && w ? { ...w, days } : null;
}

/** A weekly start time (minutes after local midnight on the given days), or null. */
export function parseWeeklyTime(text: string): { days: Set<number>; minute: number } | null {
  const { days, rest } = splitDays(text);
  const m = TIME.exec(rest);
  return days && m ? { days, minute: Number(m[1]) * 60 + Number(m[2]) } : null;
}

const weekday = (ms: number, dayOffset: number): number => new Date(at(ms, dayOffset, 0)).getDay();

/** Parses every text; config validation refuses bad ones first, so one here is a bug. */
function parseAll<T>(texts: readonly string[], parse: (t: string) => T | null, what: string): T[] {
  return texts.map((t) => {
    const value = parse(t);
    if (value === null) throw new Error(`not a ${what}: "${t}"`);
    return value;
  });
}

/** A set of weekly windows; an empty set means always. */
export class WeeklyWindows {
  private readonly windows: WeeklyWindow[];

  constructor(texts: readonly string[]) {
    this.windows = parseAll(texts, parseWeeklyWindow, 'weekly window');
  }

  /** Whether `ms` lies in one of the windows (always, when there are none). */
  contains(ms: number): boolean {
    if (this.windows.length === 0) return true;
    return this.windows.some((w) =>
      [-1, 0].some((day) => {
        if (!w.days.has(weekday(ms, day))) return false;
        const from = at(ms, day, w.start);
        const to = at(ms, w.end <= w.start ? day + 1 : day, w.end);
        return from <= ms && ms < to;
      }),
    );
  }
}

/** Weekly start times (a patrol route's schedule). */
export class WeeklyTimes {
  private readonly times: { days: Set<number>; minute: number }[];

  constructor(texts: readonly string[]) {
    this.times = parseAll(texts, parseWeeklyTime, 'weekly time');
  }

  /** The latest start at or before `ms`, within the last 8 days; null if none. */
  latest(ms: number): number | null {
    let best: number | null = null;
    for (let day = -8; day <= 0; day++) {
      for (const t of this.times) {
        if (!t.days.has(weekday(ms, day))) continue;
        const start = at(ms, day, t.minute);
        if (start <= ms && (best === null || start > best)) best = start;
      }
    }
    return best;
  }

  /** The shortest time between two consecutive starts over a week (ms); Infinity with a single weekly start. */
  shortestGapMs(): number {
    const ref = new Date(2026, 0, 4).getTime(); // a Sunday, two weeks of starts from it
    const starts: number[] = [];
    for (let day = 0; day < 14; day++) for (const t of this.times) if (t.days.has(weekday(ref, day))) starts.push(at(ref, day, t.minute));
    const sorted = [...new Set(starts)].sort((a, b) => a - b);
    let gap = Infinity;
    for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, (sorted[i] as number) - (sorted[i - 1] as number));
    return gap;
  }
}

/**
 * Weekly time windows (告警维度: 时间段): "mon–fri 22:00–06:00". A window whose end is not after its
 * start runs across midnight into the next day; its days are the days it starts on. Local time of the box.
 */

export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** A day of the week as config writes it. */
export type Day = (typeof DAYS)[number];

/** One weekly window. */
export interface TimeWindow {
  days: readonly Day[];
  /** `HH:MM`, local time. */
  from: string;
  /** `HH:MM`; not after `from`: the window ends on the next day. */
  to: string;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether local time `at` falls in `w`. */
export function inWindow(w: TimeWindow, at: Date): boolean {
  const min = at.getHours() * 60 + at.getMinutes();
  const day = DAYS[at.getDay()] as Day;
  const yesterday = DAYS[(at.getDay() + 6) % 7] as Day;
  const from = minutes(w.from);
  const to = minutes(w.to);
  if (from < to) return w.days.includes(day) && min >= from && min < to;
  return (w.days.includes(day) && min >= from) || (w.days.includes(yesterday) && min < to);
}

/** Whether `at` falls in any of `windows`; no windows at all means always. */
export function inAnyWindow(windows: readonly TimeWindow[], at: Date): boolean {
  return windows.length === 0 || windows.some((w) => inWindow(w, at));
}

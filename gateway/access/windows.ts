/**
 * Validity periods and weekly time windows, in the gateway's local time zone (the process TZ, as the
 * arming schedules use): local `Date` arithmetic keeps a window on its wall-clock times.
 */

/** A weekly window as stored: ISO weekdays (1 Monday … 7 Sunday) and minutes after local midnight. */
export interface WeeklyWindow {
  days: number[];
  from: number;
  to: number;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Parses the sync payload's `{days, from: "HH:MM", to: "HH:MM"}`. */
export function toWeekly(w: { days: number[]; from: string; to: string }): WeeklyWindow {
  return { days: [...new Set(w.days)].sort(), from: minutes(w.from), to: minutes(w.to) };
}

/** ISO weekday of a local date: 1 Monday … 7 Sunday. */
const isoDay = (d: Date): number => d.getDay() || 7;

/** Whether `ms` falls in one of `windows`; a window whose `to` is at or before `from` ends on the next day. */
export function inWindows(windows: readonly WeeklyWindow[], ms: number): boolean {
  const now = new Date(ms);
  const minute = now.getHours() * 60 + now.getMinutes();
  const today = isoDay(now);
  const yesterday = today === 1 ? 7 : today - 1;
  return windows.some((w) => {
    if (w.to > w.from) return w.days.includes(today) && minute >= w.from && minute < w.to;
    // Crossing midnight: the evening part belongs to its own day, the morning part to the day before.
    return (w.days.includes(today) && minute >= w.from) || (w.days.includes(yesterday) && minute < w.to);
  });
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A sync payload time as ms since epoch: a time with offset as written; a local date at its midnight,
 * or (for an end, `endOfDay`) at the next midnight, so `validTo: 2026-12-31` is valid all that day.
 */
export function toMs(text: string | undefined, endOfDay: boolean): number | null {
  if (text === undefined) return null;
  const d = DATE_ONLY.exec(text);
  if (d) return new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]) + (endOfDay ? 1 : 0)).getTime();
  return Date.parse(text);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A local date `YYYY-MM-DD` (a controller's card validity has whole days only). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

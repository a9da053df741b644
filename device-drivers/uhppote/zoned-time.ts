/**
 * Wall-clock time in a named time zone. A UHPPOTE controller's clock is local time with no zone on the
 * wire (research part A.2), so each controller has its own zone and every timestamp is converted here.
 */

/** A local date and time, fields as written on a clock. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this Node knows (`Asia/Shanghai`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time at `ms` in `timeZone`. */
export function wallTime(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatFor(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The instant a clock in `timeZone` shows `w` (the earlier one in a DST overlap). */
export function instantOf(w: WallTime, timeZone: string): number {
  const guess = asUtc(w);
  // Two rounds settle the offset on either side of a DST change.
  let ms = guess - (asUtc(wallTime(guess, timeZone)) - guess);
  ms = guess - (asUtc(wallTime(ms, timeZone)) - ms);
  return ms;
}

/** The zone of this machine, the default for a controller without one. */
export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

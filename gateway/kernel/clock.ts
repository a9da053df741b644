/**
 * Wall-clock time as the contract writes it, and whether it can be trusted. A Pi has no RTC: until NTP
 * has synced, `Date.now()` may be the last shutdown time or 1970, so events say `clock: unsynced`.
 */
export interface Clock {
  now(): number;
  /** True once the system clock is known good. */
  synced(): boolean;
}

/** The system clock; `synced` reads the state a `ClockSyncWatch` keeps (gateway/clock-sync.ts), never the disk. */
export function systemClock(sync: { readonly state: { synced: boolean } }): Clock {
  return {
    now: () => Date.now(),
    synced: () => sync.state.synced,
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The minute `isoLocal` last formatted (ms since the epoch / 60,000) and its text up to the seconds. */
let cachedMinute = NaN;
let minuteHead = '';
let offsetTail = '';

/**
 * `2026-11-23T21:40:00.123+08:00`: local time with its UTC offset. Zone offsets change only on whole
 * minutes, so the date, hour, minute and offset are built once per minute and only the seconds per
 * call (issue 14: a Date and eight fields per event were ~1 µs of the ~50 µs an event costs).
 */
export function isoLocal(ms: number): string {
  const t = Math.trunc(ms);
  const minute = Math.floor(t / 60_000);
  if (minute !== cachedMinute) {
    const d = new Date(minute * 60_000);
    const off = -d.getTimezoneOffset();
    const abs = Math.abs(off);
    minuteHead = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:`;
    offsetTail = `${off >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    cachedMinute = minute;
  }
  const inMinute = t - minute * 60_000;
  return `${minuteHead}${pad(Math.floor(inMinute / 1000))}.${pad(inMinute % 1000, 3)}${offsetTail}`;
}

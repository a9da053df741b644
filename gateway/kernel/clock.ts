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

/** `2026-11-23T21:40:00.123+08:00`: local time with its UTC offset. */
export function isoLocal(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

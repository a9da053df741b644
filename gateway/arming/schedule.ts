/**
 * Daily arming windows ("22:00-06:00") in the gateway's local time zone (the process TZ, as set on the
 * box). Boundaries are built with local-time `Date` arithmetic, so a window keeps its wall-clock times
 * across daylight-saving changes where a zone has them.
 */

/** A window in minutes after local midnight; `end <= start` means it ends on the next day. */
export interface Window {
  start: number;
  end: number;
}

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

export function parseWindow(text: string): Window | null {
  const m = WINDOW.exec(text.trim());
  if (!m) return null;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (end > 24 * 60 || start === end) return null;
  return { start, end };
}

const DAY_MS = 24 * 3600 * 1000;

/** Local time `minutes` after the midnight of the day `dayOffset` days from the day of `ms`. */
export function at(ms: number, dayOffset: number, minutes: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + dayOffset, 0, minutes).getTime();
}

export class Schedule {
  private readonly windows: Window[];

  constructor(texts: readonly string[]) {
    this.windows = texts.map((t) => {
      const w = parseWindow(t);
      if (!w) throw new Error(`not a daily window: "${t}"`); // config validation refuses these first
      return w;
    });
  }

  get empty(): boolean {
    return this.windows.length === 0;
  }

  /** The [from, to) spans of every window that starts between yesterday and tomorrow of `ms`. */
  private spans(ms: number): [number, number][] {
    const out: [number, number][] = [];
    for (const day of [-1, 0, 1]) {
      for (const w of this.windows) out.push([at(ms, day, w.start), at(ms, w.end <= w.start ? day + 1 : day, w.end)]);
    }
    return out;
  }

  /** Whether the schedule has the zone armed at `ms`. */
  armedAt(ms: number): boolean {
    return this.spans(ms).some(([from, to]) => from <= ms && ms < to);
  }

  /** The latest window start or end at or before `ms` (within the last day), or null. */
  lastBoundary(ms: number): number | null {
    const past = this.spans(ms).flat().filter((b) => b <= ms && ms - b <= DAY_MS);
    return past.length ? Math.max(...past) : null;
  }

  /** The next window start or end after `ms`, or null. */
  nextBoundary(ms: number): number | null {
    const next = this.spans(ms).flat().filter((b) => b > ms);
    return next.length ? Math.min(...next) : null;
  }
}

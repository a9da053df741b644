/**
 * Delays computed from config, made safe for Node's timers. `setTimeout`/`setInterval` store the delay
 * in a signed 32-bit integer: anything above 2^31-1 ms (24.8 days) becomes 1 ms with only a
 * TimeoutOverflowWarning, so a typo like `metricsIntervalSec: 3000000` would fire every millisecond
 * (issue 8, finding 16). The schema bounds every timer field; this is the second line of defence.
 */
import { z } from 'zod';

/** The longest delay Node's timers honour: 2^31-1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The longest timer field in seconds, so that `sec * 1000` stays within `MAX_TIMER_MS`. */
export const MAX_TIMER_SEC = Math.floor(MAX_TIMER_MS / 1000);

/** A delay for setTimeout/setInterval: clamped to [0, MAX_TIMER_MS]; NaN or ±Infinity is a bug, so it throws. */
export function delayMs(ms: number): number {
  if (!Number.isFinite(ms)) throw new RangeError(`timer delay must be a finite number of milliseconds, got ${ms}`);
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_TIMER_MS);
}

/** `seconds * 1000` as a timer delay (see `delayMs`). */
export function secMs(seconds: number): number {
  return delayMs(seconds * 1000);
}

/** Schema suffix of a timer field in milliseconds: at most `MAX_TIMER_MS`, with a message that names the limit. */
export const timerMs = (schema: z.ZodNumber, max = MAX_TIMER_MS): z.ZodNumber =>
  schema.max(max, `must be at most ${max} ms${max === MAX_TIMER_MS ? ' (2^31-1, the longest timer Node can run, about 24.8 days)' : ''}`);

/** Schema suffix of a timer field in seconds: at most `max` (default `MAX_TIMER_SEC`), with a message that names the limit. */
export const timerSec = (schema: z.ZodNumber, max = MAX_TIMER_SEC): z.ZodNumber =>
  schema.max(max, `must be at most ${max} s${max === MAX_TIMER_SEC ? ' (2^31-1 ms, the longest timer Node can run, about 24.8 days)' : ''}`);

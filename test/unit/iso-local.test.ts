/**
 * isoLocal builds the date, hour, minute and offset once per minute (issue 14): the text must still be
 * right on every millisecond, across a daylight-saving switch and in zones with half-hour offsets.
 * The zone is set per case (Node applies a change of process.env.TZ at once); each case uses its own
 * minutes, as the cache is keyed by the minute.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isoLocal } from '../../gateway/kernel/clock.js';

const zone = process.env.TZ;
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('isoLocal', () => {
  it('follows a daylight-saving switch to the millisecond (Europe/Berlin, 2026-03-29)', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(isoLocal(Date.UTC(2026, 2, 29, 0, 59, 59, 999))).toBe('2026-03-29T01:59:59.999+01:00');
    expect(isoLocal(Date.UTC(2026, 2, 29, 1, 0, 0, 0))).toBe('2026-03-29T03:00:00.000+02:00');
    expect(isoLocal(Date.UTC(2026, 9, 25, 0, 59, 59, 999))).toBe('2026-10-25T02:59:59.999+02:00');
    expect(isoLocal(Date.UTC(2026, 9, 25, 1, 0, 0, 0))).toBe('2026-10-25T02:00:00.000+01:00');
  });

  it('writes half-hour and negative offsets', () => {
    process.env.TZ = 'Asia/Kolkata';
    expect(isoLocal(Date.UTC(2026, 10, 23, 13, 40, 5, 7))).toBe('2026-11-23T19:10:05.007+05:30');
    process.env.TZ = 'America/St_Johns';
    expect(isoLocal(Date.UTC(2026, 10, 23, 13, 41, 5, 7))).toBe('2026-11-23T10:11:05.007-03:30');
  });

  it('gives the same instant back for every millisecond over minute boundaries (Asia/Shanghai)', () => {
    process.env.TZ = 'Asia/Shanghai';
    const from = Date.UTC(2026, 11, 31, 15, 59, 58, 0); // to 2027-01-01 00:00:02 local
    for (let t = from; t < from + 4000; t++) {
      const text = isoLocal(t);
      expect(text.endsWith('+08:00')).toBe(true);
      expect(Date.parse(text)).toBe(t);
    }
    expect(isoLocal(from + 2000)).toBe('2027-01-01T00:00:00.000+08:00');
  });
});

/**
 * The UHPPOTE codec against the byte-exact vector of research part A.4 (uhppote-core
 * messages/events_test.go, same bytes as get_status_test.go), the frame checks, BCD and time zones.
 */
import { describe, expect, it } from 'vitest';
import { readDate, readSystemDateTime, writeDate, writeDateTime } from '../../device-drivers/uhppote/bcd.js';
import { FN, frameProblem, readStatus, request } from '../../device-drivers/uhppote/frames.js';
import { denyReason, reasonText } from '../../device-drivers/uhppote/reasons.js';
import { instantOf, wallTime } from '../../device-drivers/uhppote/zoned-time.js';

const VECTOR = Buffer.from(
  [
    '17 20 00 00 2d 55 39 19  39 00 00 00 01 00 03 01',
    'aa e8 5d 00 20 19 04 19  17 00 09 06 01 00 01 01',
    '00 00 01 01 09 14 37 02  11 00 00 00 21 00 00 00',
    '2b 04 01 19 04 20 00 00  93 26 04 88 08 92 00 00',
  ].join(' ').split(/\s+/).map((h) => parseInt(h, 16)),
);

describe('UHPPOTE frames', () => {
  it('decodes the byte-exact status/event vector field by field, ignoring the garbage bytes 44 and 56-62', () => {
    expect(VECTOR).toHaveLength(64);
    expect(frameProblem(VECTOR, FN.status, 423187757)).toBeNull();
    const s = readStatus(VECTOR);
    expect(VECTOR.readUInt32LE(4)).toBe(423187757);
    expect(s.event).toEqual({
      index: 57,
      type: 1,
      granted: false,
      door: 3,
      direction: 'in',
      card: 6154410,
      at: { year: 2019, month: 4, day: 19, hour: 17, minute: 0, second: 9 },
      reason: 6,
    });
    expect(reasonText(s.event.reason)).toBe('no access rights');
    expect(denyReason(s.event.reason)).toBe('door-not-allowed');
    expect(s.doorOpen).toEqual([true, false, true, true]);
    expect(s.buttons).toEqual([false, false, true, true]);
    expect(s.systemError).toBe(9);
    expect(readSystemDateTime(VECTOR, 51, 37)).toEqual({ year: 2019, month: 4, day: 20, hour: 14, minute: 37, second: 2 });
    expect(s.sequence).toBe(17);
    expect(VECTOR[48]).toBe(43); // special info
    // Relay bitmap 0x04: door 3 unlocked (the masks 0x01/0x02/0x04/0x08, not uhppoted-nodejs's broken ones).
    expect(s.relays).toEqual([false, false, true, false]);
    expect(s.inputs).toBe(0x01);
  });

  it('accepts the v6.62 start byte 0x19 on status/events only, and names what is wrong with a bad frame', () => {
    const v662 = Buffer.from(VECTOR);
    v662[0] = 0x19;
    expect(frameProblem(v662, FN.status, 423187757)).toBeNull();
    const open = request(FN.openDoor, 423187757);
    open[0] = 0x19;
    expect(frameProblem(open, FN.openDoor, 423187757)).toBe('bad-start');
    expect(frameProblem(VECTOR.subarray(0, 63), FN.status, 423187757)).toBe('short-frame');
    expect(frameProblem(Buffer.concat([VECTOR, Buffer.alloc(1)]), FN.status, 423187757)).toBe('short-frame');
    expect(frameProblem(VECTOR, FN.openDoor, 423187757)).toBe('bad-function');
    expect(frameProblem(VECTOR, FN.status, 405419896)).toBe('wrong-serial');
  });

  it('writes requests as 64 bytes: 0x17, the function, the serial little-endian', () => {
    const f = request(FN.setListener, 405419896);
    expect([...f.subarray(0, 8)]).toEqual([0x17, 0x90, 0, 0, 0x78, 0x37, 0x2a, 0x18]);
    expect(f).toHaveLength(64);
  });

  it('BCD dates round-trip; a card validity date is 4 bytes', () => {
    const f = Buffer.alloc(64);
    writeDateTime(f, 20, { year: 2019, month: 4, day: 19, hour: 17, minute: 0, second: 9 });
    expect([...f.subarray(20, 27)]).toEqual([...VECTOR.subarray(20, 27)]);
    writeDate(f, 12, '2026-12-31');
    expect([...f.subarray(12, 16)]).toEqual([0x20, 0x26, 0x12, 0x31]);
    expect(readDate(f, 12)).toBe('2026-12-31');
  });

  it('controller wall time in its own zone and back (Shanghai +8, Berlin across DST)', () => {
    const ms = Date.UTC(2026, 11, 1, 12, 0, 0);
    expect(wallTime(ms, 'Asia/Shanghai')).toEqual({ year: 2026, month: 12, day: 1, hour: 20, minute: 0, second: 0 });
    expect(instantOf({ year: 2026, month: 12, day: 1, hour: 20, minute: 0, second: 0 }, 'Asia/Shanghai')).toBe(ms);
    const summer = Date.UTC(2026, 6, 1, 12, 0, 0);
    expect(wallTime(summer, 'Europe/Berlin').hour).toBe(14);
    expect(instantOf(wallTime(summer, 'Europe/Berlin'), 'Europe/Berlin')).toBe(summer);
  });
});

/** The BCD date and time fields of UHPPOTE frames (research part A.2: DateTime 7 bytes, Date 4, SystemDate 3, SystemTime 3). */
import type { WallTime } from './zoned-time.js';

const toBcd = (n: number): number => ((Math.floor(n / 10) % 10) << 4) | n % 10;
const fromBcd = (b: number): number => (b >> 4) * 10 + (b & 0x0f);
const validBcd = (b: number): boolean => b >> 4 <= 9 && (b & 0x0f) <= 9;

/** Writes `YYYY MM DD hh mm ss` as 7 BCD bytes at `offset`. */
export function writeDateTime(buf: Buffer, offset: number, w: WallTime): void {
  const bytes = [Math.floor(w.year / 100), w.year % 100, w.month, w.day, w.hour, w.minute, w.second];
  bytes.forEach((v, i) => buf.writeUInt8(toBcd(v), offset + i));
}

/** Reads 7 BCD bytes; null for the all-zero "no event" stamp or bytes that are not BCD. */
export function readDateTime(buf: Buffer, offset: number): WallTime | null {
  const raw = [...buf.subarray(offset, offset + 7)];
  if (raw.every((b) => b === 0) || !raw.every(validBcd)) return null;
  const v = raw.map(fromBcd) as [number, number, number, number, number, number, number];
  return { year: v[0] * 100 + v[1], month: v[2], day: v[3], hour: v[4], minute: v[5], second: v[6] };
}

/** Writes a local date `YYYY-MM-DD` as 4 BCD bytes (card validity). */
export function writeDate(buf: Buffer, offset: number, date: string): void {
  const m = /^(\d{2})(\d{2})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a date YYYY-MM-DD: ${JSON.stringify(date)}`);
  m.slice(1).forEach((v, i) => buf.writeUInt8(toBcd(Number(v)), offset + i));
}

/** Reads 4 BCD bytes as `YYYY-MM-DD`. */
export function readDate(buf: Buffer, offset: number): string {
  const [c, y, m, d] = [...buf.subarray(offset, offset + 4)].map((b) => String(fromBcd(b)).padStart(2, '0'));
  return `${c}${y}-${m}-${d}`;
}

/** Reads the 3-byte `YY MM DD` and `hh mm ss` system date and time (century 20) as one wall time. */
export function readSystemDateTime(buf: Buffer, dateOffset: number, timeOffset: number): WallTime {
  const [y, mo, d] = [...buf.subarray(dateOffset, dateOffset + 3)].map(fromBcd) as [number, number, number];
  const [h, mi, s] = [...buf.subarray(timeOffset, timeOffset + 3)].map(fromBcd) as [number, number, number];
  return { year: 2000 + y, month: mo, day: d, hour: h, minute: mi, second: s };
}

/** Writes a wall time as the 3-byte system date and time (the simulator's status frame). */
export function writeSystemDateTime(buf: Buffer, dateOffset: number, timeOffset: number, w: WallTime): void {
  [w.year % 100, w.month, w.day].forEach((v, i) => buf.writeUInt8(toBcd(v), dateOffset + i));
  [w.hour, w.minute, w.second].forEach((v, i) => buf.writeUInt8(toBcd(v), timeOffset + i));
}

/**
 * Terminal cells: Chinese characters take two columns (Unicode East Asian Width "W"/"F", UAX #11), so
 * padding by `.length` would break every column after a village name or a 在线. Text from gateways is
 * untrusted: control characters are replaced, so a device payload cannot move the cursor or recolour
 * the operator's screen with escape sequences.
 */

/** Wide (two-column) code point ranges: Hangul Jamo, CJK, Hangul syllables, fullwidth forms, emoji. */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

function columns(cp: number): number {
  if (cp >= 0x300 && cp <= 0x36f) return 0; // combining diacritics
  for (const [a, b] of WIDE) if (cp >= a && cp <= b) return 2;
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += columns(ch.codePointAt(0) as number);
  return w;
}

/** C0 and C1 controls (ESC included) and DEL become "?"; tabs and newlines become spaces. */
export function sanitize(s: string): string {
  return s.replace(/[\t\n\r]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Exactly `width` columns: cut with "…" when too long, padded with spaces when short. */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  let w = displayWidth(s);
  if (w <= width) return s + ' '.repeat(width - w);
  let out = '';
  w = 0;
  for (const ch of s) {
    const c = columns(ch.codePointAt(0) as number);
    if (w + c > width - 1) break;
    out += ch;
    w += c;
  }
  return `${out}…${' '.repeat(width - 1 - w)}`;
}

/** "5s", "3m12s", "4h05m", "2d03h": an age that fits a narrow column. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor(s / 3600) % 24).padStart(2, '0')}h`;
}

/** Exactly `width` columns, keeping the end: "…xiejiayu-01" (the end of an id is what tells ids apart). */
export function fitEnd(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return fit(s, width);
  const chars = [...s];
  let out = '';
  let w = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = columns(chars[i]!.codePointAt(0) as number);
    if (w + c > width - 1) break;
    out = chars[i]! + out;
    w += c;
  }
  return `…${out}${' '.repeat(width - 1 - w)}`;
}

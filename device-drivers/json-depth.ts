/**
 * Nesting depth of JSON text, counted on the raw bytes before `JSON.parse` (issue 8, #10): 16 KB of
 * 8,000-deep arrays parse, but rendering the envelope then overflows the stack, the device gets no
 * PUBACK and retries forever. One pass, no recursion, strings skipped.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** True when arrays and objects in `text` nest deeper than `max` (the top-level object is depth 1). */
export function nestsDeeperThan(text: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const b = text[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Our UUIDv7 (issue 14): RFC 9562 layout, strictly increasing, unique, and readable by the `uuid` package. */
import { describe, expect, it } from 'vitest';
import { validate, version } from 'uuid';
import { uuidV7 } from '../../gateway/kernel/uuid-v7.js';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidV7', () => {
  it('has the RFC 9562 layout: version 7, variant 10, the ms timestamp first', () => {
    const t = Date.UTC(2026, 11, 1, 14, 0, 0, 123);
    const id = uuidV7(t);
    expect(id).toMatch(FORMAT);
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect(msOf(id)).toBe(t);
    expect(msOf(uuidV7())).toBeGreaterThanOrEqual(Date.now() - 1000);
  });

  it('is strictly increasing and unique over many ids, within one ms, across ms and when the clock steps back', () => {
    const t = Date.UTC(2027, 0, 1);
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) ids.push(uuidV7(t)); // one ms: the counter overflows several times
    for (let i = 0; i < 20_000; i++) ids.push(uuidV7(t + 10 + Math.floor(i / 7)));
    for (let i = 0; i < 1000; i++) ids.push(uuidV7(t - 60_000)); // the wall clock stepped back a minute
    for (const id of ids) expect(id).toMatch(FORMAT);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('differs in its random bits between ids of the same ms', () => {
    const t = Date.UTC(2028, 0, 1);
    const tails = new Set(Array.from({ length: 1000 }, () => uuidV7(t).slice(19)));
    expect(tails.size).toBe(1000);
  });
});

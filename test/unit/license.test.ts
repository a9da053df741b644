/** package.json says Apache-2.0: the license text ships with the code (issue 8, finding 26). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);

describe('LICENSE', () => {
  it('is the Apache License 2.0 text that package.json names', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { license: string };
    const text = readFileSync(new URL('LICENSE', ROOT), 'utf8');
    expect(pkg.license).toBe('Apache-2.0');
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
    expect(text).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(text).toContain('END OF TERMS AND CONDITIONS');
  });
});

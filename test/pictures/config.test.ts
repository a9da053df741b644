/**
 * Issue 11: the `snapshots` config key. The README's example for a 4G link is a valid config as
 * written; a bad value names the key and the fix.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/config/load.js';

const base = (snapshots?: unknown) => ({
  gateway: { id: '370283104-pictures-01', township: '370283104', dataDir: '/var/lib/vgw' },
  uplink: { url: 'mqtts://township.example:8883' },
  ...(snapshots === undefined ? {} : { snapshots }),
});
describe('the snapshots config key', () => {
  it('has defaults: 1000 pictures, 128 MiB, no budget, 32 MiB above the outbox floor', () => {
    expect(parseConfig(base(), 'vgw.yaml').snapshots).toEqual({ maxCount: 1000, maxBytes: 128 * 1024 * 1024, bytesPerSec: 0, minFreeBytes: 32 * 1024 * 1024 });
  });

  it("takes the README's 4G example as written", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Camera pictures (snapshots)'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, 'the yaml block of the README section').toBeDefined();
    const { snapshots } = parse(block as string) as { snapshots: unknown };
    expect(parseConfig(base(snapshots), 'vgw.yaml').snapshots).toMatchObject({ bytesPerSec: 50_000, maxBytes: 134_217_728, maxCount: 1000 });
  });

  it.each([
    [{ bytesPerSec: 100 }, /snapshots\.bytesPerSec .*0 \(no budget\) or at least 1024 bytes per second/],
    [{ maxBytes: 1000 }, /snapshots\.maxBytes/],
    [{ maxCount: 0 }, /snapshots\.maxCount/],
    [{ maxPictures: 5 }, /snapshots: unknown key "maxPictures"/],
  ])('refuses %j, naming the key', (snapshots, expected) => {
    expect(() => parseConfig(base(snapshots), 'vgw.yaml')).toThrow(expected);
  });
});

/**
 * Issue 8 B: an event that cannot be rendered (JSON.stringify throws on a BigInt or a cycle) must be
 * refused without taking a seq, so the next event's seq follows the previous one with no gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture, outboxView } from '../support/gateway-fixture.js';

describe('an event that cannot be rendered', () => {
  let fx: Fixture;
  beforeAll(async () => {
    // Nothing listens on port 1: the uplink stays down, which this test does not need.
    fx = await startFixture({ uplinkUrl: 'mqtt://127.0.0.1:1' });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
  });

  it('is rejected and burns no seq (BigInt, cyclic data)', async () => {
    const pipeline = { emit: fx.gateway.testApi.emit };
    const outbox = outboxView(fx.gateway);
    const before = await pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { n: 1 } });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const depth = outbox.depth;
    await expect(pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { big: 10n } })).rejects.toThrow(/BigInt/);
    await expect(pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: cyclic })).rejects.toThrow(/circular/i);
    // Refused in the same turn as good events: those still commit, with consecutive seqs.
    const same = await Promise.allSettled([
      pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { n: 2 } }),
      pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { big: 1n } }),
      pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { n: 3 } }),
    ]);
    expect(same.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const seqs = same.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []));
    expect(seqs).toEqual([before.seq + 1, before.seq + 2]);
    const after = await pipeline.emit({ device: 'door-west', category: 'door', type: 'door.opened', data: { n: 4 } });
    expect(after.seq).toBe(before.seq + 3);
    expect(outbox.depth).toBe(depth + 3); // nothing of the refused ones stored
  });
});

/**
 * Issue 10, item 7: `door.unlock` (role `door`) runs the door's `unlock` with `by: remote` and answers
 * `done` only once the door's action resolved; the router's checks hold for it: a broadcast-only key
 * is `forbidden`, an admin key opens, expired and replayed commands are refused, an unknown door is
 * `invalid` with the list of doors, more than 30 s is `invalid`, a door that fails gives `failed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BROADCAST, DOOR, replyTo, run, signed, startAccessGateway, type AccessGateway } from './support/access-gateway.js';
import { failing, slowness, unlocks } from './support/test-door.js';

describe('door.unlock', () => {
  let a: AccessGateway;
  beforeAll(async () => {
    a = await startAccessGateway();
  });
  afterAll(async () => {
    await a?.gateway.stop();
  });
  const unlock = (params: Record<string, unknown>, key = DOOR, o: Parameters<typeof signed>[4] = {}) => signed(a.gatewayId, 'door.unlock', params, key, o);

  it('opens with a door key and an admin key, replying done only after the lock released', async () => {
    slowness.set('west-gate', 300);
    try {
      const before = unlocks.length;
      const c = unlock({ door: 'west-gate', seconds: 5 });
      const pending = a.gateway.testApi.handleCommand(c.topic, c.payload);
      await new Promise((r) => setTimeout(r, 150));
      // The door is still releasing: no reply yet.
      expect(replyTo(a.gateway, c.id)).toBeUndefined();
      await pending;
      expect(replyTo(a.gateway, c.id)).toMatchObject({ status: 'done' });
      expect(unlocks.slice(before)).toEqual([expect.objectContaining({ door: 'west-gate', seconds: 5, by: 'remote' })]);
    } finally {
      slowness.delete('west-gate');
    }
    expect(await run(a.gateway, unlock({ door: 'east-gate', seconds: 30 }, ADMIN))).toMatchObject({ status: 'done' });
    expect(unlocks.at(-1)).toMatchObject({ door: 'east-gate', seconds: 30, by: 'remote' });
  });

  it.each([
    ['a broadcast-only key', () => unlock({ door: 'east-gate', seconds: 5 }, BROADCAST), 'forbidden', /lacks the role "door"/],
    ['an expired command', () => unlock({ door: 'east-gate', seconds: 5 }, DOOR, { now: Date.now() - 120_000 }), 'expired', /expired at/],
    ['an unknown door', () => unlock({ door: 'north-gate', seconds: 5 }), 'invalid', /door: not a door of this gateway; its doors: east-gate, west-gate/],
    ['41 seconds', () => unlock({ door: 'east-gate', seconds: 41 }), 'invalid', /seconds/],
    ['no seconds', () => unlock({ door: 'east-gate' }), 'invalid', /seconds/],
    ['an extra parameter', () => unlock({ door: 'east-gate', seconds: 5, person: 'p-1' }), 'invalid', /person/],
  ])('refuses %s without touching the door', async (_name, make, code, message) => {
    const before = unlocks.length;
    const reply = await run(a.gateway, make());
    expect(reply).toMatchObject({ status: 'rejected', error: { code } });
    expect(reply?.error?.message).toMatch(message);
    expect(unlocks.length).toBe(before);
  });

  it('refuses a replayed command: the door opens once', async () => {
    const before = unlocks.length;
    const c = unlock({ door: 'east-gate', seconds: 3 });
    expect(await run(a.gateway, c)).toMatchObject({ status: 'done' });
    expect(await run(a.gateway, c)).toMatchObject({ status: 'rejected', error: { code: 'replayed' } });
    expect(unlocks.length - before).toBe(1);
  });

  it('answers failed with the reason when the door does not unlock', async () => {
    failing.set('east-gate', 'lock relay did not switch');
    try {
      expect(await run(a.gateway, unlock({ door: 'east-gate', seconds: 5 }))).toMatchObject({ status: 'failed', error: { code: 'failed', message: 'lock relay did not switch' } });
    } finally {
      failing.delete('east-gate');
    }
  });

  it('is refused as invalid on a gateway without doors, saying so', async () => {
    const bare = await startAccessGateway({ gatewayId: '370283104-nodoor-01', doors: [], readers: [] });
    try {
      const reply = await run(bare.gateway, signed(bare.gatewayId, 'door.unlock', { door: 'east-gate', seconds: 5 }, DOOR));
      expect(reply).toMatchObject({ status: 'rejected', error: { code: 'invalid', message: expect.stringMatching(/this gateway has no door devices/) } });
    } finally {
      await bare.gateway.stop();
    }
  });
});

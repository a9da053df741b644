/**
 * A door kind that lives only in the tests (the real door kinds come with the doors work): it takes
 * `unlock` as the `door` capability says, remembers each one, and can be told to fail or be slow.
 */
import { z } from 'zod';
import type { AccessControl } from '../../../device-drivers/access.js';
import { deviceCommon } from '../../../device-drivers/device-common.js';
import { defineDriver } from '../../../device-drivers/module.js';

export const testDoorSchema = z.object({ ...deviceCommon, driver: z.literal('test-door') }).strict();

/** Unlocks seen by every test door in this process, in order. */
export const unlocks: { door: string; seconds: unknown; by: unknown; person: unknown; at: number }[] = [];
/** Doors whose next unlocks fail, with the error message. */
export const failing = new Map<string, string>();
/** The access seam each test door was given (a door controller's view: `cardsFor`, `onChange`, `record`). */
export const accessSeams = new Map<string, AccessControl | undefined>();
/** Milliseconds a door takes before its lock has released. */
export const slowness = new Map<string, number>();

export const testDoorModule = defineDriver({
  kind: 'test-door',
  label: 'a test door',
  schema: testDoorSchema,
  seams: ['access'],
  actions: ['unlock'],
  events: ['door.unlocked'],
  provides: ['door'],
  load: async () => (ctx) => {
    let running = false;
    return {
      async start() {
        accessSeams.set(ctx.device.id, ctx.seams.access);
        running = true;
      },
      async stop() {
        running = false;
      },
      health: () => ({ status: running ? 'ok' : 'stopped', online: running }),
      async handleAction(action) {
        const delay = slowness.get(ctx.device.id) ?? 0;
        if (delay) await new Promise((r) => setTimeout(r, delay));
        const problem = failing.get(ctx.device.id);
        if (problem) throw new Error(problem);
        unlocks.push({ door: ctx.device.id, seconds: action.params.seconds, by: action.params.by, person: action.params.person, at: Date.now() });
      },
    };
  },
});

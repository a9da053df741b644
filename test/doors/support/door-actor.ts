/** A driver kind for tests only: it hands the test the gateway's `deviceActions`, as a reader or `door.unlock` would use them. */
import { z } from 'zod';
import { deviceCommon } from '../../../device-drivers/device-common.js';
import { defineDriver } from '../../../device-drivers/module.js';
import type { DeviceActions } from '../../../device-drivers/seams.js';

/** The `deviceActions` of the last gateway that mounted an actor. */
export const actor: { actions: DeviceActions | null } = { actions: null };

export const actorModule = defineDriver({
  kind: 'test-door-actor',
  label: 'a test actor',
  schema: z.object({ ...deviceCommon, driver: z.literal('test-door-actor') }).strict(),
  seams: ['deviceActions'],
  load: async () => (ctx) => {
    actor.actions = ctx.seams.deviceActions;
    return { start: async () => {}, stop: async () => {}, health: () => ({ status: 'ok', online: true }) };
  },
  actions: [],
  events: [],
});

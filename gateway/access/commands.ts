/**
 * The access commands (issue 10): `access.sync` (role `admin`) replaces or changes the whitelist;
 * `door.unlock` (role `door`) opens a door for up to 30 s and answers `done` once its lock released.
 */
import { z } from 'zod';
import type { DeviceActions } from '../../device-drivers/seams.js';
import type { CommandRouter } from '../commands/router.js';
import { CommandFailed, type AccessService } from './service.js';
import { parsePersons, syncEnvelopeSchema, type SyncEnvelope } from './sync-payload.js';

/** Longest remote unlock (issue 10, item 7). */
export const MAX_UNLOCK_SECONDS = 30;

/** `door`: one of the gateway's doors; with none, every value is refused with that said. */
function doorParam(doors: readonly string[]) {
  if (doors.length === 0) return z.string().refine(() => false, 'this gateway has no door devices');
  return z.enum(doors as [string, ...string[]], { error: () => `not a door of this gateway; its doors: ${doors.join(', ')}` });
}

export function registerAccessCommands(router: CommandRouter, access: AccessService, doors: readonly string[], actions: Pick<DeviceActions, 'act'>): void {
  router.register('access.sync', {
    role: 'admin',
    params: syncEnvelopeSchema,
    run: async ({ params }) => {
      const envelope = params as SyncEnvelope;
      // A person found wrong here is answered `failed` with code `invalid` (the id is spent: send it corrected under a new id).
      const persons = await parsePersons(envelope.persons).catch((err: Error) => {
        throw new CommandFailed('invalid', err.message);
      });
      await access.sync({ ...envelope, persons });
    },
  });
  router.register('door.unlock', {
    role: 'door',
    params: z.object({ door: doorParam(doors), seconds: z.number().int().min(1).max(MAX_UNLOCK_SECONDS) }).strict(),
    run: async ({ params }) => {
      const { door, seconds } = params as { door: string; seconds: number };
      await actions.act(door, { name: 'unlock', params: { seconds, by: 'remote' } });
    },
  });
}

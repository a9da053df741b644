/**
 * The `broadcast` and `broadcast.cancel` commands (contract, "Commands"). A broadcast is answered
 * `accepted` once queued and later `done` / `failed`; a cancel is answered `done` once the notice is
 * stopped, and the cancelled notice itself gets `failed` with code `cancelled`.
 */
import type { CommandRouter } from '../commands/router.js';
import { broadcastParams, cancelParams, type BroadcastParams } from './params.js';
import type { BroadcastService } from './service.js';

export function registerBroadcastCommands(router: CommandRouter, service: BroadcastService, maxBytes: number): void {
  router.register('broadcast', {
    role: 'broadcast',
    params: broadcastParams({ speakers: service.speakerIds, sounds: () => service.sounds.names(), maxBytes }),
    // The params schema above has validated exactly this shape.
    run: (command) => service.enqueue(command, command.params as BroadcastParams),
  });
  router.register('broadcast.cancel', {
    role: 'broadcast',
    params: cancelParams,
    run: (command) => service.cancel(command.params.broadcastId as string, command.by),
  });
}

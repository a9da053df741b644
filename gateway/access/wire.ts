/**
 * Builds the access service for the composition root (gateway/create-gateway.ts calls `buildAccess`
 * once in `build()`): the secret, the service on the gateway's database, and its commands.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../cloud-bridge/db.js';
import type { AnyDriverModule } from '../../device-drivers/module.js';
import { moduleFor } from '../../device-drivers/registry.js';
import type { DeviceActions } from '../../device-drivers/seams.js';
import type { CommandRouter } from '../commands/router.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { Pipeline } from '../pipeline.js';
import { registerAccessCommands } from './commands.js';
import { AccessSecret } from './secret.js';
import { AccessService } from './service.js';

/** Where the access secret lives when `access.secretFile` is not set. */
export const SECRET_FILE = 'access-secret';

export interface AccessWiring {
  config: Config;
  db: Db;
  clock: Clock;
  pipeline: Pipeline;
  router: CommandRouter;
  modules: readonly AnyDriverModule[];
  /** Actions on devices (called only once the gateway runs). */
  actions: Pick<DeviceActions, 'act'>;
  log: Logger;
}

/** The ids of the devices whose kind provides `door`. */
export function doorIds(config: Config, modules: readonly AnyDriverModule[]): string[] {
  return config.devices.filter((d) => moduleFor(modules, d.driver)?.provides?.includes('door')).map((d) => d.id);
}

export function buildAccess(w: AccessWiring): AccessService {
  const secret = AccessSecret.load(w.config.access.secretFile ?? join(w.config.gateway.dataDir, SECRET_FILE));
  const access = new AccessService({
    db: w.db,
    secret,
    config: w.config.access,
    clock: w.clock,
    emit: async (device, type, data, alongside) => void (await w.pipeline.emit({ device, category: 'access', type, data, alongside })),
    log: w.log.child({ component: 'access' }),
  });
  registerAccessCommands(w.router, access, doorIds(w.config, w.modules), w.actions);
  return access;
}

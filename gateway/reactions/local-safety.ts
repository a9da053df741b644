/**
 * Builds the gateway's local safety parts for the composition root: zone arming (with its commands)
 * and the reactions engine, joined so that disarming a zone silences what its alarms switched on.
 */
import type { Logger } from 'pino';
import type { Db } from '../../cloud-bridge/db.js';
import type { Driver } from '../../device-drivers/driver.js';
import { Arming } from '../arming/arming.js';
import { registerZoneCommands } from '../arming/commands.js';
import { ArmingStore } from '../arming/store.js';
import type { Clock } from '../kernel/clock.js';
import type { CommandRouter } from '../commands/router.js';
import type { Config } from '../config/schema.js';
import type { Pipeline } from '../pipeline.js';
import { Reactions } from './reactions.js';

export interface LocalSafetyDeps {
  config: Config;
  db: Db;
  pipeline: Pipeline;
  router: CommandRouter;
  /** The gateway's drivers by device id (filled after this is built; read when a reaction acts). */
  drivers: ReadonlyMap<string, Driver>;
  clock: Clock;
  log: Logger;
}

export function buildLocalSafety({ config, db, pipeline, router, drivers, clock, log }: LocalSafetyDeps) {
  const arming = new Arming({
    zones: config.zones,
    store: new ArmingStore(db),
    clock,
    emit: async (type, data) => void (await pipeline.emit({ device: config.gateway.id, category: 'alarm', type, data })),
    log: log.child({ component: 'arming' }),
  });
  registerZoneCommands(router, arming);
  const reactions = new Reactions({
    reactions: config.reactions,
    commit: (draft) => pipeline.emit(draft),
    act: async (device, action) => {
      const driver = drivers.get(device);
      if (!driver?.handleAction) throw new Error(`device "${device}" takes no actions`);
      await driver.handleAction(action);
    },
    severityOf: (draft) => pipeline.severityOf(draft),
    clock,
    log: log.child({ component: 'reactions' }),
  });
  // Devices' events only: the gateway's own (system, arming, notices) and the reactions' own events
  // never trigger a reaction, as before the bus (no loops through `reaction.*`).
  pipeline.bus.subscribe('local reactions', (event, committed) => {
    if (event.device === config.gateway.id || event.type.startsWith('reaction.')) return;
    reactions.react(event, committed);
  });
  arming.onChange((zone, armed) => {
    if (!armed) reactions.zoneDisarmed(zone);
  });
  return { arming, reactions };
}

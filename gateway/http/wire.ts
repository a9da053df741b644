/**
 * The ops views' sources from the gateway's parts, read lazily: the composition root builds the
 * OpsServer before its parts exist (they are built when the database opens) and a reload may replace
 * the config, so every read goes through `parts()` and `config()`.
 */
import type { Logger } from 'pino';
import type { Outbox } from '../../cloud-bridge/outbox.js';
import type { Uplink } from '../../cloud-bridge/uplink.js';
import type { Driver } from '../../device-drivers/driver.js';
import type { Arming } from '../arming/arming.js';
import type { BroadcastService } from '../broadcast/service.js';
import type { CommandRouter } from '../commands/router.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { LocalBroker } from '../local-broker.js';
import type { Pipeline } from '../pipeline.js';
import type { RejectionReports } from '../reports.js';
import { VERSION } from '../version.js';
import { OpsServer } from './server.js';
import type { OpsSources } from './sources.js';
import type { ReloadOutcome } from './status.js';

/** The parts of a started gateway the ops views read. */
export interface OpsParts {
  uplink: Uplink;
  outbox: Outbox;
  pipeline: Pipeline;
  drivers: ReadonlyMap<string, Driver>;
  arming: Arming;
  broadcast: BroadcastService;
  router: CommandRouter;
  reports: RejectionReports;
  broker: LocalBroker;
}

/** What the composition root hands over to build the ops views. */
export interface OpsWiring {
  parts: () => OpsParts;
  config: () => Config;
  lastReload: () => ReloadOutcome | null;
  clock: Clock;
  bootId: string;
  startedAt: number;
  drainRate: () => number;
  failedComponents: () => { name: string; message: string }[];
  log: Logger;
}

/** The ops server of one gateway, reading its parts lazily. */
export function opsServer(w: OpsWiring): OpsServer {
  const p = w.parts;
  const sources: OpsSources = {
    config: w.config,
    lastReload: w.lastReload,
    clock: w.clock,
    bootId: w.bootId,
    version: VERSION,
    startedAt: w.startedAt,
    get uplink() {
      return p().uplink;
    },
    get outbox() {
      return p().outbox;
    },
    accepted: () => p().pipeline.acceptedTotal,
    drainRate: w.drainRate,
    health: (device) => p().drivers.get(device)?.health(),
    figures: (device) => p().drivers.get(device)?.figures?.(),
    zones: () => p().arming.names().map((zone) => ({ zone, armed: p().arming.isArmed(zone) })),
    broadcastQueued: () => p().broadcast.store.queued().length,
    get commandOutcomes() {
      return p().router.outcomes;
    },
    get rejectedByReason() {
      return p().reports.byReason;
    },
    get lanRefusals() {
      return p().broker.refusals;
    },
    reject: (type, severity, subject, data) => p().reports.reject(type, severity, subject, data),
    failedComponents: w.failedComponents,
    onCommitted: (listener) => {
      const outbox = p().outbox;
      outbox.on('added', listener);
      return () => void outbox.off('added', listener);
    },
  };
  return new OpsServer(sources, w.log);
}

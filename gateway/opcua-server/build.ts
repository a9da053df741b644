/** Builds the gateway's OPC UA server for the composition root, or nothing when `opcuaServer.enabled` is false. */
import type { Logger } from 'pino';
import type { Driver } from '../../device-drivers/driver.js';
import type { AnyDriverModule } from '../../device-drivers/module.js';
import type { OpcuaHost } from '../../device-drivers/opcua/host.js';
import { moduleFor } from '../../device-drivers/registry.js';
import type { CommandRouter } from '../commands/router.js';
import type { Config } from '../config/schema.js';
import type { Pipeline } from '../pipeline.js';
import type { Arming } from '../arming/arming.js';
import { OpcuaServerService } from './service.js';
import { VillageView } from './village-view.js';

export interface OpcuaServerParts {
  config: Config;
  modules: readonly AnyDriverModule[];
  host: OpcuaHost;
  router: CommandRouter;
  pipeline: Pipeline;
  arming: Arming;
  drivers: ReadonlyMap<string, Driver>;
  backlog(): number;
  uplinkConnected(): boolean;
  queueLength(): number;
  log: Logger;
}

export function buildOpcuaServer(p: OpcuaServerParts): OpcuaServerService | null {
  if (!p.config.opcuaServer.enabled) return null;
  const view = new VillageView({
    zones: p.config.zones.map((z) => z.name),
    isArmed: (z) => p.arming.isArmed(z),
    devices: p.config.devices.map((d) => ({ id: d.id, zone: d.zone, door: moduleFor(p.modules, d.driver)?.provides?.includes('door') ?? false })),
    online: (id) => p.drivers.get(id)?.health().online ?? false,
    backlog: p.backlog,
    uplinkConnected: p.uplinkConnected,
    queueLength: p.queueLength,
  });
  const service = new OpcuaServerService({ config: p.config.opcuaServer, host: p.host, router: p.router, view, log: p.log.child({ component: 'opcua-server' }) });
  p.pipeline.bus.subscribe('opcua server', (event) => {
    if (view.observe(event)) service.refresh();
  });
  p.arming.onChange(() => service.refresh());
  return service;
}

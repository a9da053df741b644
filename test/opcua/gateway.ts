/** A gateway in the test process with OPC UA devices, holding its OPC UA host so tests can see (and kill) the child. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { OpcuaHost } from '../../device-drivers/opcua/host.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { buildConfig, LogSink, type FixtureDevice } from '../support/gateway-fixture.js';

export interface OpcuaGateway {
  gateway: Gateway;
  host: OpcuaHost;
  logs: LogSink;
  dataDir: string;
  gatewayId: string;
}

export async function startOpcuaGateway(o: { uplinkUrl: string; devices: Record<string, unknown>[]; lanDevices?: FixtureDevice[]; override?: Record<string, unknown> }): Promise<OpcuaGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vgw-opcua-'));
  const gatewayId = '370283104-opcua-01';
  const base = await buildConfig({ uplinkUrl: o.uplinkUrl, dataDir, gatewayId, devices: o.lanDevices ?? [], uplink: { protocolVersion: 4 } });
  const config = parseConfig({ ...base, ...o.override, devices: [...base.devices, ...o.devices] }, 'test config');
  const logs = new LogSink();
  const log = pino({ level: 'debug' }, logs);
  // Restarts start at 300 ms here so the supervision test does not wait long.
  const host = new OpcuaHost({ pkiDir: join(dataDir, 'opcua-pki'), log: log.child({ component: 'opcua' }), initialDelayMs: 300 });
  const gateway = createGateway({ config, log, hardware: { opcua: host } });
  await gateway.start();
  return { gateway, host, logs, dataDir, gatewayId };
}

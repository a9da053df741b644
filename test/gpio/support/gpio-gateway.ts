/** A gateway started in-process with simulated GPIO pins, GPIO devices, zones and reactions. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SimulatedGpio } from '../../../device-drivers/gpio/simulated-backend.js';
import { parseConfig } from '../../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../../gateway/create-gateway.js';
import { buildConfig, LogSink } from '../../support/gateway-fixture.js';

export interface GpioGatewayOptions {
  uplinkUrl: string;
  devices: Record<string, unknown>[];
  zones?: Record<string, unknown>[];
  reactions?: Record<string, unknown>[];
  /** Top-level config keys merged over the generated ones (commands, severity, ...). */
  override?: Record<string, unknown>;
  uplink?: Record<string, unknown>;
  dataDir?: string;
  sim?: SimulatedGpio;
}

export interface GpioGateway {
  gateway: Gateway;
  sim: SimulatedGpio;
  logs: LogSink;
  dataDir: string;
  gatewayId: string;
}

export async function startGpioGateway(o: GpioGatewayOptions): Promise<GpioGateway> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-gpio-'));
  const gatewayId = '370283104-gpio-01';
  const base = await buildConfig({ uplinkUrl: o.uplinkUrl, dataDir, gatewayId, devices: [], ...(o.uplink ? { uplink: o.uplink } : {}) });
  const config = parseConfig({ ...base, devices: o.devices, zones: o.zones ?? [], reactions: o.reactions ?? [], ...o.override }, 'test config');
  const sim = o.sim ?? new SimulatedGpio();
  const logs = new LogSink();
  const gateway = createGateway({ config, log: pino({ level: 'debug' }, logs), hardware: { gpio: sim.gpio } });
  await gateway.start();
  return { gateway, sim, logs, dataDir, gatewayId };
}

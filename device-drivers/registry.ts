/** Driver kinds by the `driver` key of a device's config. */
import type { DeviceConfig } from '../gateway/config/schema.js';
import type { Driver, DriverContext } from './driver.js';
import { createMqttDevice, type MqttDeviceSeams } from './mqtt-device.js';

/**
 * Every hardware seam the gateway can offer (real in the daemon, simulated in tests and the demo);
 * each driver is handed the subset it uses.
 */
export type HardwareSeams = MqttDeviceSeams;

type BaseContext = Omit<DriverContext, 'device' | 'seams'>;

export function createDriver(device: DeviceConfig, ctx: BaseContext, seams: HardwareSeams): Driver {
  switch (device.driver) {
    case 'mqtt':
      return createMqttDevice({ ...ctx, device, seams: { bus: seams.bus } });
  }
}

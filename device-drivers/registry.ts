/** Driver kinds by the `driver` key of a device's config. */
import type { DeviceConfig } from '../gateway/config/schema.js';
import type { Driver, DriverContext } from './driver.js';
import { createMqttDevice, type MqttDeviceSeams } from './mqtt-device.js';

/** The seams the gateway offers; each driver takes the subset it uses. */
export type AvailableSeams = MqttDeviceSeams;

export function createDriver(device: DeviceConfig, ctx: DriverContext<AvailableSeams>): Driver {
  switch (device.driver) {
    case 'mqtt':
      return createMqttDevice(ctx);
  }
}

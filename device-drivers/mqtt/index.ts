/** The `mqtt` kind: a device on the village LAN broker speaking the contract's `dev/{id}/...` topics. */
import { defineDriver } from '../module.js';
import { mqttDeviceSchema } from './config.js';

export const mqttModule = defineDriver({
  kind: 'mqtt',
  label: 'an MQTT device',
  schema: mqttDeviceSchema,
  seams: ['bus'],
  load: async () => (await import('./mqtt-device.js')).createMqttDevice,
  // Sent on as `{"action": name, ...params}` to dev/{id}/cmd; the device decides what it does.
  actions: 'any',
  events: 'any',
  provides: ['lan-login'],
});

/** The `relay` kind: a relay on a GPIO pin (siren, strobe, amplifier power). */
import { defineDriver } from '../module.js';
import { relaySchema } from './config.js';

export const relayModule = defineDriver({
  kind: 'relay',
  label: 'a relay',
  schema: relaySchema,
  seams: ['gpio'],
  load: async () => (await import('./relay.js')).createRelay,
  actions: ['on', 'off', 'pulse'],
  events: ['relay.forced-off', 'device.fault'],
});

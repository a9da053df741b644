/** The `reader` kind: a credential reader or face terminal on the local broker, deciding at the gateway (issue 10). */
import { defineDriver } from '../module.js';
import { checkReader, readerSchema } from './config.js';

export const readerModule = defineDriver({
  kind: 'reader',
  label: 'a credential reader',
  schema: readerSchema,
  seams: ['bus', 'access', 'deviceActions'],
  load: async () => (await import('./reader.js')).createReader,
  // Sent on to the device like an `mqtt` device's actions.
  actions: 'any',
  events: 'any',
  provides: ['lan-login'],
  checks: checkReader,
});

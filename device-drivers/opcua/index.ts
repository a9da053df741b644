/** The `opcua` kind: one OPC UA server endpoint (a fire panel, a pump or water-level controller, a gate PLC). */
import { z } from 'zod';
import { defineDriver } from '../module.js';
import { opcuaSchema } from './config.js';

export const opcuaModule = defineDriver({
  kind: 'opcua',
  label: 'an OPC UA server endpoint',
  schema: opcuaSchema,
  seams: ['opcua'],
  load: async () => (await import('./opcua-driver.js')).createOpcuaDriver,
  actions: ['write'],
  // Writing a PLC's value (start a pump, close a gate) is an installer's or the township's admin act.
  commands: [{ name: 'opcua.write', role: 'admin', params: z.object({ item: z.string().min(1).max(64), value: z.union([z.boolean(), z.number(), z.string().max(1024)]) }).strict(), action: 'write' }],
  events: 'any',
});

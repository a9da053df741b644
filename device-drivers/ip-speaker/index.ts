/** The `ip-speaker` kind: a speaker module on the LAN, reached through its own `mqtt` login (`via`). */
import { defineDriver } from '../module.js';
import { ipSpeakerDeviceSchema } from './config.js';

export const ipSpeakerModule = defineDriver({
  kind: 'ip-speaker',
  label: 'an IP speaker',
  schema: ipSpeakerDeviceSchema,
  seams: ['bus'],
  load: async () => (await import('./ip-speaker.js')).createIpSpeaker,
  actions: [],
  events: [],
  provides: ['speaker'],
  checks: (d, i, cfg) =>
    cfg.moduleOf(d.via)?.kind === 'mqtt' ? [] : [{ path: ['devices', i, 'via'], message: `no mqtt device "${d.via}" in devices; add the IP speaker module's own login (driver: mqtt) and name it here` }],
});

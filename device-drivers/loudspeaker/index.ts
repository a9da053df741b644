/** The `loudspeaker` kind: the box's own sound card, its amplifier powered through a relay device. */
import { defineDriver } from '../module.js';
import { loudspeakerDeviceSchema } from './config.js';

export const loudspeakerModule = defineDriver({
  kind: 'loudspeaker',
  label: 'a loudspeaker',
  schema: loudspeakerDeviceSchema,
  seams: ['audio', 'amplifierPower', 'deviceActions'],
  load: async () => {
    const [{ createLoudspeaker }, { relayAmplifiers }] = await Promise.all([import('./loudspeaker.js'), import('./amplifier.js')]);
    return (ctx) => createLoudspeaker({ ...ctx, seams: { audio: ctx.seams.audio, amplifierPower: ctx.seams.amplifierPower ?? relayAmplifiers(ctx.seams.deviceActions) } });
  },
  actions: [],
  events: [],
  provides: ['speaker'],
  checks: (d, i, cfg) => {
    const relay = d.amplifier.relay;
    if (relay === undefined || cfg.moduleOf(relay)?.kind === 'relay') return [];
    return [{ path: ['devices', i, 'amplifier', 'relay'], message: `no relay device "${relay}" in devices; add the amplifier's relay (driver: relay) or remove the key` }];
  },
});

/** Config of a `loudspeaker` device: the box's own sound card and its amplifier's relay. */
import { z } from 'zod';
import { DEVICE_ID } from '../../gateway/kernel/ids.js';
import { deviceCommon } from '../device-common.js';

/** A loudspeaker on the box's own sound card (ALSA), its amplifier's power switched with a warm-up. */
export const loudspeakerDeviceSchema = z
  .object({
    ...deviceCommon,
    driver: z.literal('loudspeaker'),
    /** ALSA PCM the players write to (`aplay -D`, `mpg123 -a`): `default`, `plughw:CARD=Headphones`, ... */
    pcm: z.string().min(1).default('default'),
    /** Mixer setting the volume (`amixer -c {card} sset {control} N%`); control names differ between cards; null: the card has none. */
    mixer: z.object({ card: z.string().min(1).default('0'), control: z.string().min(1).default('PCM') }).strict().nullable().default({ card: '0', control: 'PCM' }),
    /** Volume in percent of notices that do not set their own. */
    volume: z.number().int().min(0).max(100).default(80),
    /** Amplifier power through `relay` (a relay device id; none: always powered): on `warmUpMs` before the first sound, off after `idleOffSec` without sound. */
    amplifier: z
      .object({ relay: z.string().regex(DEVICE_ID).optional(), warmUpMs: z.number().int().min(0).max(30_000).default(1500), idleOffSec: z.number().min(0).max(3600).default(60) })
      .strict()
      .default({ warmUpMs: 1500, idleOffSec: 60 }),
  })
  .strict();


/** A validated `loudspeaker` device. */
export type LoudspeakerDeviceConfig = z.infer<typeof loudspeakerDeviceSchema>;

/**
 * The `reactions` config key: local rules that act on this box at once, uplink or not (architecture.md,
 * "local rules: panic input → siren relay"), e.g. panic anywhere → siren 60 s.
 */
import { z } from 'zod';

const NAME = /^[a-z0-9-]{1,64}$/;
const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

export const REACTION_ACTIONS = ['on', 'off', 'pulse'] as const;

export const reactionSchema = z
  .object({
    /** Name, in logs and in the reaction's own event. */
    name: z.string().regex(NAME, 'lowercase letters, digits and "-", 1 to 64 characters'),
    /** Which events start it; every key given must match. */
    when: z
      .object({
        /** Event type. */
        type: z.string().regex(EVENT_TYPE, 'an event type like "alarm.triggered"').default('alarm.triggered'),
        /** Only events of this device. */
        device: z.string().optional(),
        /** Only events whose `data.zone` is this zone (one of `zones`). */
        zone: z.string().optional(),
        /** Only events whose `data.input` is this (`panic`, `pir`, `door-contact`, ...). */
        input: z.string().max(64).optional(),
        /** Only events raised while their zone was armed (`data.armed`). */
        armed: z.boolean().optional(),
      })
      .strict(),
    /** What to do. */
    do: z
      .object({
        /** Device to act on: a relay, or a device whose driver takes actions (e.g. an MQTT siren). */
        device: z.string(),
        /** `pulse`: on for `seconds`; `on`: until the zone of the event is disarmed (or the relay's `maxOnSec`); `off`. */
        action: z.enum(REACTION_ACTIONS),
        /** Length of a pulse. */
        seconds: z.number().positive().max(3600).optional(),
      })
      .strict(),
  })
  .strict();
export type ReactionConfig = z.infer<typeof reactionSchema>;

export const reactionsSchema = z.array(reactionSchema).default([]);

/** Config fields of a `uhppote-door` device: one door of a `uhppote` controller. */
import { z } from 'zod';
import { CATEGORIES } from '../../gateway/kernel/categories.js';
import { DEVICE_ID, DEVICE_ID_HINT } from '../../gateway/kernel/ids.js';
import { deviceCommon } from '../device-common.js';
import { doorTimingFields, withDoorDefaults } from '../door/config.js';

/** A door of a network controller; the controller's `doors` names it with its number. */
export const uhppoteDoorSchema = z
  .object({
    ...deviceCommon,
    category: z.enum(CATEGORIES).default('door'),
    driver: z.literal('uhppote-door'),
    /** The `uhppote` device (controller) this door is wired to. */
    controller: z.string().regex(DEVICE_ID, DEVICE_ID_HINT),
    heldOpenSec: doorTimingFields.heldOpenSec,
  })
  .strict()
  .transform(withDoorDefaults);

/** A validated `uhppote-door` device. */
export type UhppoteDoorConfig = z.infer<typeof uhppoteDoorSchema>;

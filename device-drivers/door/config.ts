/** Config fields of a `door` device: an electric lock on a GPIO relay, a door contact and an exit button (REX). */
import { z } from 'zod';
import { CATEGORIES } from '../../gateway/kernel/categories.js';
import { timerSec } from '../../gateway/kernel/timers.js';
import { deviceCommon } from '../device-common.js';
import { withSeverityDefaults, type DeviceSeverity } from '../gpio/severity-defaults.js';

const pin = z.number().int().min(0).max(53);

/** Severities of the door events, below the device's own map (installers may raise `door.tailgating`, say). */
export const DOOR_SEVERITIES = {
  'door.forced': 'critical',
  'door.held_open': 'major',
  'door.tailgating': 'major',
  'door.held_open.cleared': 'info',
  'door.unlocked': 'info',
  'door.locked': 'info',
  'door.opened': 'info',
  'door.closed': 'info',
  'device.fault': 'major',
} as const;

/** Fields every door kind has: how long it opens and when an open door is held open. */
export const doorTimingFields = {
  /** Seconds the lock stays released after a grant or an exit-button press (a remote unlock names its own). */
  unlockSec: z.number().positive().max(300).default(5),
  /** An open door longer than this many seconds is `door.held_open` (then `door.held_open.cleared`). */
  heldOpenSec: timerSec(z.number().positive(), 86_400).default(30),
};

export const doorFields = {
  driver: z.literal('door'),
  /** BCM pin driving the lock relay. */
  lockPin: pin,
  /** `fail-secure` (electric strike: power unlocks, locked when the power fails); `fail-safe` (magnetic lock: power locks, opens when the power fails, as fire codes ask). */
  lock: z.enum(['fail-secure', 'fail-safe']).default('fail-secure'),
  /** The relay board is energised by a low level (most opto-isolated boards); false: by a high level. */
  lockActiveLow: z.boolean().default(false),
  /** BCM pin of the door contact (reed switch, closed while the door is shut); without it, no opened/forced/held-open events. */
  contactPin: pin.optional(),
  /** The contact reads low when closed (switch to ground, pull-up `gpio=N=pu`); false: reads high when closed. */
  contactActiveLow: z.boolean().default(true),
  /** BCM pin of the exit button (REX, request to exit) inside the door. */
  rexPin: pin.optional(),
  /** The exit button reads low when pressed (switch to ground, pull-up); false: reads high when pressed. */
  rexActiveLow: z.boolean().default(true),
  /** The exit button releases the lock for `unlockSec`; false: it only marks the opening as an exit (a door with a mechanical handle inside). */
  rexUnlocks: z.boolean().default(true),
  /** Milliseconds the contact and the button must hold a level before it counts. */
  debounceMs: z.number().int().min(0).max(10_000).default(50),
  ...doorTimingFields,
};

/** Fills the door events' default severities below the device's own map. */
export function withDoorDefaults<T extends { severity?: DeviceSeverity | undefined }>(d: T) {
  return { ...d, severity: withSeverityDefaults(d.severity, DOOR_SEVERITIES) };
}

/** A door on GPIO: lock relay, door contact, exit button. */
export const doorSchema = z.object({ ...deviceCommon, category: z.enum(CATEGORIES).default('door'), ...doorFields }).strict().transform(withDoorDefaults);

/** A validated `door` device. */
export type DoorConfig = z.infer<typeof doorSchema>;

/** The GPIO pins a door uses (for `vgw check`). */
export const doorPins = (d: Pick<DoorConfig, 'lockPin' | 'contactPin' | 'rexPin'>): number[] => [d.lockPin, d.contactPin, d.rexPin].filter((p): p is number => p !== undefined);

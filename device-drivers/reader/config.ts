/** Config of a `reader` device: a card/PIN/QR reader or face terminal on the village LAN broker (issue 10). */
import { z } from 'zod';
import { DEVICE_ID, DEVICE_ID_HINT } from '../../gateway/kernel/ids.js';
import type { ConfigIssue, ConfigView } from '../module.js';
import { mqttDeviceSchema } from '../mqtt/config.js';

/** A reader: logs in like an `mqtt` device (same fields), and names the door it opens. */
export const readerSchema = mqttDeviceSchema
  .omit({ driver: true })
  .extend({
    /** Which driver mounts it. */
    driver: z.literal('reader'),
    /** The door device a grant here unlocks. */
    door: z.string().regex(DEVICE_ID, DEVICE_ID_HINT),
    /** Other doors this reader may name in a message's `door` (a terminal between two gates); others are refused. */
    doors: z.array(z.string().regex(DEVICE_ID, DEVICE_ID_HINT)).max(8).default([]),
    /** Which way people pass it, for anti-passback (`access.antiPassback`); a message's `direction` wins. */
    direction: z.enum(['in', 'out']).optional(),
    /** Lowest face-match score (0–1) taken as the person; below it a face counts as unknown. */
    faceThreshold: z.number().min(0).max(1).default(0.8),
    /** Seconds the door stays unlocked after a grant here. */
    unlockSeconds: z.number().int().min(1).max(30).default(5),
  })
  .strict();

/** A validated `reader` device. */
export type ReaderConfig = z.infer<typeof readerSchema>;

/** The issues of door ids at `paths` that are not devices of a kind providing `door` (readers, anti-passback). */
export function notDoors(named: readonly [id: string, path: (string | number)[]][], view: ConfigView, who: string): ConfigIssue[] {
  const doors = view.devices.filter((d) => view.moduleOf(d.id)?.provides?.includes('door')).map((d) => d.id);
  const fix = doors.length ? `doors: ${doors.join(', ')}` : 'add the door device (a door kind) first';
  return named.filter(([id]) => !doors.includes(id)).map(([id, path]) => ({ path, message: `${who} names "${id}", which is not a door device; ${fix}` }));
}

/** Each door it names must be a device of a kind that provides `door`. */
export function checkReader(device: ReaderConfig, index: number, view: ConfigView): ConfigIssue[] {
  const named: [string, (string | number)[]][] = [[device.door, ['devices', index, 'door']], ...device.doors.map((d, i): [string, (string | number)[]] => [d, ['devices', index, 'doors', i]])];
  return notDoors(named, view, `reader "${device.id}"`);
}

/** The `zones` config key: named zones (网格 cells of alarm inputs) and their daily arming schedules. */
import { z } from 'zod';
import { ZONE_NAME, ZONE_NAME_HINT } from '../kernel/ids.js';
import { parseWindow } from './schedule.js';


export const zoneSchema = z
  .object({
    /** Zone name, as alarm inputs, reactions and `zone.arm` / `zone.disarm` commands name it. */
    name: z.string().regex(ZONE_NAME, ZONE_NAME_HINT),
    /**
     * Daily armed windows "HH:MM-HH:MM" in the gateway's local time zone; "22:00-06:00" crosses
     * midnight. At each window start the zone is armed and at each end disarmed; a command in between
     * holds until the next start or end.
     */
    schedule: z.array(z.string().refine((s) => parseWindow(s) !== null, 'a daily window "HH:MM-HH:MM" in 24-hour local time, e.g. "22:00-06:00"')).default([]),
  })
  .strict();
export type ZoneConfig = z.infer<typeof zoneSchema>;

/** Zones of this gateway; alarm inputs and reactions must name one of these. */
export const zonesSchema = z.array(zoneSchema).default([]);

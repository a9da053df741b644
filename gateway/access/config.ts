/** The `access` config key (issue 10): where the credential secret lives, how long records stay, anti-passback doors. */
import { z } from 'zod';
import type { ConfigIssue, ConfigView } from '../../device-drivers/module.js';
import { notDoors } from '../../device-drivers/reader/config.js';
import { DEVICE_ID, DEVICE_ID_HINT } from '../kernel/ids.js';

const DAY_SEC = 24 * 3600;

export const accessSchema = z
  .object({
    /** File of the per-gateway secret that keys credential hashes and seals card numbers (mode 0600); default `{dataDir}/access-secret`, written on first start. */
    secretFile: z.string().min(1).optional(),
    /** Days an entry record is kept (人员进出记录); older ones are deleted hourly. */
    retentionDays: z.number().int().min(1).max(3650).default(180),
    /** Most entry records kept; beyond it the oldest go first (bounds the database on a busy gate). */
    maxRecords: z.number().int().min(1000).max(20_000_000).default(2_000_000),
    /** Doors where a person who went in may not go in again before going out (readers say `direction`). */
    antiPassback: z.array(z.string().regex(DEVICE_ID, DEVICE_ID_HINT)).default([]),
    /** Seconds between record pruning runs (retention and `maxRecords`). */
    pruneIntervalSec: z.number().int().min(10).max(DAY_SEC).default(3600),
  })
  .strict()
  .default({ retentionDays: 180, maxRecords: 2_000_000, antiPassback: [], pruneIntervalSec: 3600 });

/** A validated `access` section. */
export type AccessConfig = z.infer<typeof accessSchema>;

/** `access.antiPassback` must name door devices (a typo would silently turn anti-passback off). */
export function checkAccess(access: AccessConfig, view: ConfigView): ConfigIssue[] {
  return notDoors(access.antiPassback.map((id, i) => [id, ['access', 'antiPassback', i]]), view, 'access.antiPassback');
}

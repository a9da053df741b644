/** The `unlock` action's params (the `door` capability, device-drivers/module.ts), checked the same way by every door kind. */
import type { DeviceAction } from '../driver.js';
import type { UnlockBy } from './door-logic.js';

/** Longest unlock a door takes from an action; `door.unlock` itself allows at most 30 s (issue 10, item 7). */
export const MAX_UNLOCK_SEC = 300;

/** A checked unlock request. */
export interface UnlockRequest {
  seconds: number;
  by: Extract<UnlockBy, 'grant' | 'remote'>;
  person: string | null;
}

/** Reads `{ seconds, by, person? }` of an `unlock` action; throws an Error naming the door and the bad param. */
export function unlockParams(door: string, action: DeviceAction, defaultSec: number): UnlockRequest {
  const { seconds = defaultSec, by, person } = action.params;
  if (typeof seconds !== 'number' || !(seconds > 0) || seconds > MAX_UNLOCK_SEC) {
    throw new Error(`door "${door}": unlock needs params.seconds between 0 and ${MAX_UNLOCK_SEC}, got ${JSON.stringify(seconds)}`);
  }
  if (by !== 'grant' && by !== 'remote') throw new Error(`door "${door}": unlock needs params.by "grant" or "remote", got ${JSON.stringify(by)}`);
  if (person !== undefined && typeof person !== 'string') throw new Error(`door "${door}": unlock params.person must be a person id, got ${JSON.stringify(person)}`);
  return { seconds, by, person: person ?? null };
}

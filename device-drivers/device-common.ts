/**
 * Config fields every device has, whatever its driver (each driver's schema spreads `deviceCommon` in),
 * and the pieces several drivers' schemas share.
 */
import { z } from 'zod';
import { CATEGORIES } from '../gateway/kernel/categories.js';
import { DEVICE_ID, DEVICE_ID_HINT, EVENT_TYPE } from '../gateway/kernel/ids.js';
import { SEVERITIES } from '../gateway/kernel/severity.js';

/** One of the contract's severities. */
export const severitySchema = z.enum(SEVERITIES);

/** A type → severity map: a device's own (`devices[].severity`) or the gateway's (`severity`). */
export const severityMap = z
  .object({
    /** Severity of a type not listed in `types`. */
    default: severitySchema.optional(),
    /** Map from event `type` to severity, e.g. `panic.pressed: critical`. */
    types: z.record(z.string().regex(EVENT_TYPE, 'an event type like "panic.pressed"'), severitySchema).default({}),
  })
  .strict();

/** Publishes a LAN device may make: a sustained rate and a burst above it (issue 8). */
export const rateSchema = z
  .object({
    /** Sustained publishes per second (events, state and status together). */
    perSec: z.number().min(0.1).max(100_000),
    /** Publishes allowed at once above the sustained rate (a reconnect's replay, a burst of events). */
    burst: z.number().int().min(1).max(1_000_000),
  })
  .strict();

/** Fields every device has, whatever its driver; each driver's schema spreads these in. */
export const deviceCommon = {
  /** Device id, used in topics (and as the MQTT username of LAN devices): `[a-z0-9-]{1,64}`. */
  id: z.string().regex(DEVICE_ID, DEVICE_ID_HINT),
  /** Category of this device's events in the township contract. */
  category: z.enum(CATEGORIES).default('device'),
  /** Per-device severity overrides, consulted before the gateway-wide map. */
  severity: severityMap.optional(),
  /** Grid cell / zone the device belongs to (网格). */
  zone: z.string().max(64).optional(),
  /** Where it is, for people: "east gate, left pillar". */
  location: z.string().max(200).optional(),
};


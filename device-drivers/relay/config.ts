/** Config fields of a `relay` device (siren, strobe, amplifier power on a GPIO relay board). */
import { z } from 'zod';
import { deviceCommon } from '../device-common.js';
import { withSeverityDefaults, type DeviceSeverity } from '../gpio/severity-defaults.js';

export const relayFields = {
  driver: z.literal('relay'),
  /** BCM number of the GPIO pin driving the relay board's input. */
  pin: z.number().int().min(0).max(53),
  /** The relay is energised by a low level (most opto-isolated boards); false: by a high level. */
  activeLow: z.boolean().default(false),
  /** Longest continuous on-time in seconds; then the relay is forced off and `relay.forced-off` reported. */
  maxOnSec: z.number().positive().max(86_400).default(300),
};

/** Severities of the relay's event types, below the device's own map. */
export function withRelayDefaults<T extends { severity?: DeviceSeverity | undefined }>(d: T) {
  return { ...d, severity: withSeverityDefaults(d.severity, { 'relay.forced-off': 'minor', 'device.fault': 'major' }) };
}

/** A relay on a GPIO pin: siren, strobe, amplifier power. */
export const relaySchema = z.object({ ...deviceCommon, ...relayFields }).strict().transform(withRelayDefaults);


/** A validated `relay` device. */
export type RelayConfig = z.infer<typeof relaySchema>;

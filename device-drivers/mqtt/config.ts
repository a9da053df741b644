/** Config of an `mqtt` device: a device on the village LAN broker, logging in with its own password. */
import { z } from 'zod';
import { EVENT_TYPE } from '../../gateway/kernel/ids.js';
import { deviceCommon, rateSchema } from '../device-common.js';
import { costProblem, parseHash } from './passwords.js';

/** `scrypt$N$r$p$saltB64$hashB64`, as written by `vgw passwd`. */
export const PASSWORD_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

/** A scrypt hash whose cost a Pi can afford (N = 2^20 let eight logins take 2 GiB, issue 8); never echoes it. */
const passwordHashSchema = z
  .string()
  .regex(PASSWORD_HASH, 'a hash from `vgw passwd` (scrypt$...), never a plain password')
  .superRefine((value, ctx) => {
    if (!PASSWORD_HASH.test(value)) return; // the regex has said what is wrong
    const h = parseHash(value);
    const problem = h ? costProblem(h) : 'it does not parse as scrypt$N$r$p$salt$hash';
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; re-run \`vgw passwd\` for this device and paste the new hash` });
  });

/** A device on the village LAN broker speaking the contract's `dev/{id}/...` topics. */
export const mqttDeviceSchema = z
  .object({
    ...deviceCommon,
    /** Which driver mounts it. */
    driver: z.literal('mqtt'),
    /** Salted hash of the device's MQTT password, from `vgw passwd`. Never the password itself. */
    passwordHash: passwordHashSchema,
    /** This device's own publish rate, instead of `localBroker.deviceRate` / `alarmRate`. */
    rate: rateSchema.optional(),
    /** Event type used when the device's payload has no `type`. */
    defaultType: z.string().regex(EVENT_TYPE).default('device.event'),
    /** The only event types this device may send (e.g. a door reader: `[door.opened, door.closed]`); others are rejected and reported. Unset: any but `system.*`. */
    types: z.array(z.string().regex(EVENT_TYPE, 'an event type like "door.opened"').refine((t) => !t.startsWith('system.'), 'system.* types are the gateway\'s own; a device may not send them')).min(1).optional(),
  })
  .strict();


/** A validated `mqtt` device. */
export type MqttDeviceConfig = z.infer<typeof mqttDeviceSchema>;

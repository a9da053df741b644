/** Config of an `ip-speaker` device: a speaker module on the LAN, logged in as one of the mqtt devices. */
import { z } from 'zod';
import { DEVICE_ID } from '../../gateway/kernel/ids.js';
import { deviceCommon } from '../device-common.js';

/** An IP speaker module on the village LAN: it plays what the gateway publishes on `dev/{via}/cmd`. */
export const ipSpeakerDeviceSchema = z
  .object({
    ...deviceCommon,
    driver: z.literal('ip-speaker'),
    /** Id of the `mqtt` device the module logs in as on the local broker. */
    via: z.string().regex(DEVICE_ID, 'the id of an mqtt device in this config'),
    /** Volume in percent of notices that do not set their own. */
    volume: z.number().int().min(0).max(100).default(80),
  })
  .strict();


/** A validated `ip-speaker` device. */
export type IpSpeakerDeviceConfig = z.infer<typeof ipSpeakerDeviceSchema>;

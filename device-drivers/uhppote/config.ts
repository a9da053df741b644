/** Config fields of a `uhppote` device: one WG / UHPPOTE access controller (1–4 doors) on the LAN. */
import { z } from 'zod';
import { CATEGORIES } from '../../gateway/kernel/categories.js';
import { DEVICE_ID, DEVICE_ID_HINT } from '../../gateway/kernel/ids.js';
import { timerSec } from '../../gateway/kernel/timers.js';
import { deviceCommon } from '../device-common.js';
import { withSeverityDefaults } from '../gpio/severity-defaults.js';
import { isTimeZone, localTimeZone } from './zoned-time.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv4 = z.string().regex(IPV4, 'an IPv4 address like 192.168.1.100');
const port = z.number().int().min(1).max(65535);

const doorSchema = z
  .object({
    /** The controller's door number, 1–4, as printed on its board. */
    number: z.number().int().min(1).max(4),
    /** The `uhppote-door` device that is this door. */
    device: z.string().regex(DEVICE_ID, DEVICE_ID_HINT),
    /** Seconds the controller holds the lock open after a grant; written to the controller as its door delay. */
    unlockSec: z.number().int().min(1).max(255).default(5),
  })
  .strict();

export const uhppoteFields = {
  driver: z.literal('uhppote'),
  /** The controller's serial number (on its label, e.g. 423187757). */
  serial: z.number().int().min(1).max(0xffff_ffff),
  /** The controller's IPv4 address (set a fixed one; broadcast discovery does not cross subnets). */
  address: ipv4,
  /** Its UDP/TCP port. */
  port: port.default(60000),
  /** `udp`; `tcp` for a controller on another subnet or behind a VPN (same frames, uhppote-core#17). Events always come over UDP. */
  transport: z.enum(['udp', 'tcp']).default('udp'),
  /** Where the controller sends its events: this gateway's address as the controller reaches it, and the port the gateway listens on. */
  listener: z
    .object({
      /** This gateway's IPv4 address on the controller's network. */
      address: ipv4,
      /** UDP port for the controller's events (uhppoted's convention: 60001); one per controller on this gateway. */
      port: port.default(60001),
      /** Local address the listening socket binds. */
      bind: z.string().min(1).default('0.0.0.0'),
    })
    .strict(),
  /** The controller's time zone (IANA, e.g. `Asia/Shanghai`): its clock has none, so the gateway sets it in this zone. */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone like "Asia/Shanghai"').default(localTimeZone()),
  /** Its doors (1–4), each a `uhppote-door` device. */
  doors: z.array(doorSchema).min(1).max(4),
  /** Seconds between status polls (catches events a lost datagram or a restart missed, and notices the controller going offline). */
  pollSec: timerSec(z.number().positive(), 3600).default(30),
  /** Seconds between the controller's own re-sends of its latest event (0: off; 1–255, uhppote-core#21). */
  autoSendSec: z.number().int().min(0).max(255).default(0),
  /** Seconds between clock settings while this gateway's clock is synced. */
  clockSyncSec: timerSec(z.number().positive(), 86_400).default(3600),
  /** Milliseconds to wait for each reply. */
  timeoutMs: z.number().int().min(50).max(10_000).default(1000),
  /** Further attempts after a reply timed out. */
  retries: z.number().int().min(0).max(5).default(2),
  /** Push the whitelist's cards for its doors (and delete those it no longer has), so the controller decides with the gateway off; cards entered on the board by hand are left alone. */
  pushCards: z.boolean().default(true),
};

/** A WG / UHPPOTE access controller. */
export const uhppoteSchema = z
  .object({ ...deviceCommon, category: z.enum(CATEGORIES).default('door'), ...uhppoteFields })
  .strict()
  .transform((d) => ({ ...d, severity: withSeverityDefaults(d.severity, { 'device.offline': 'major', 'device.online': 'info', 'controller.events.lost': 'major' }) }));

/** A validated `uhppote` device. */
export type UhppoteConfig = z.infer<typeof uhppoteSchema>;

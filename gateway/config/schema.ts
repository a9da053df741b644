/**
 * The one config schema (style rule 9): validated once at start, frozen, types derived from it.
 * Every field has a one-line doc; the README's config example follows this file.
 */
import { z } from 'zod';
import { zonesSchema } from '../arming/config.js';
import { loadPublicKey } from '../commands/signing.js';
import { checkLocalSafety } from '../reactions/config-checks.js';
import { reactionsSchema } from '../reactions/config.js';
import { alarmInputFields, withInputDefaults } from '../../device-drivers/alarm-input/config.js';
import { relayFields, withRelayDefaults } from '../../device-drivers/relay/config.js';
import { timerMs } from '../timers.js';
import { costProblem, parseHash } from '../passwords.js';

const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

export const CATEGORIES = ['alarm', 'access', 'door', 'broadcast', 'camera', 'device', 'patrol', 'system'] as const;
export type Category = (typeof CATEGORIES)[number];

export const ROLES = ['broadcast', 'door', 'arm', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const GATEWAY_ID = /^[a-z0-9-]{3,64}$/;
const DEVICE_ID = /^[a-z0-9-]{1,64}$/;
const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
/** `scrypt$N$r$p$saltB64$hashB64`, as written by `vgw passwd`. */
export const PASSWORD_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

const severityMap = z
  .object({
    /** Severity of a type not listed in `types`. */
    default: severitySchema.optional(),
    /** Map from event `type` to severity, e.g. `panic.pressed: critical`. */
    types: z.record(z.string().regex(EVENT_TYPE, 'an event type like "panic.pressed"'), severitySchema).default({}),
  })
  .strict();

/** Publishes a LAN device may make: a sustained rate and a burst above it (issue 8). */
const rateSchema = z
  .object({
    /** Sustained publishes per second (events, state and status together). */
    perSec: z.number().min(0.1).max(100_000),
    /** Publishes allowed at once above the sustained rate (a reconnect's replay, a burst of events). */
    burst: z.number().int().min(1).max(1_000_000),
  })
  .strict();

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

const tlsFiles = z
  .object({
    /** PEM file of the CA that signed the server's certificate (township) or the clients' (local). */
    ca: z.string().optional(),
    /** PEM certificate file. */
    cert: z.string().optional(),
    /** PEM private key file. */
    key: z.string().optional(),
  })
  .strict();

/** Fields every device has, whatever its driver; each driver's schema spreads these in. */
export const deviceCommon = {
  /** Device id, used in topics (and as the MQTT username of LAN devices): `[a-z0-9-]{1,64}`. */
  id: z.string().regex(DEVICE_ID, 'lowercase letters, digits and "-", 1 to 64 characters'),
  /** Category of this device's events in the township contract. */
  category: z.enum(CATEGORIES).default('device'),
  /** Per-device severity overrides, consulted before the gateway-wide map. */
  severity: severityMap.optional(),
  /** Grid cell / zone the device belongs to (网格). */
  zone: z.string().max(64).optional(),
  /** Where it is, for people: "east gate, left pillar". */
  location: z.string().max(200).optional(),
};

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

/** A loudspeaker on the box's own sound card (ALSA), its amplifier's power switched with a warm-up. */
export const loudspeakerDeviceSchema = z
  .object({
    ...deviceCommon,
    driver: z.literal('loudspeaker'),
    /** ALSA PCM the players write to (`aplay -D`, `mpg123 -a`): `default`, `plughw:CARD=Headphones`, ... */
    pcm: z.string().min(1).default('default'),
    /** Mixer setting the volume (`amixer -c {card} sset {control} N%`); control names differ between cards; null: the card has none. */
    mixer: z.object({ card: z.string().min(1).default('0'), control: z.string().min(1).default('PCM') }).strict().nullable().default({ card: '0', control: 'PCM' }),
    /** Volume in percent of notices that do not set their own. */
    volume: z.number().int().min(0).max(100).default(80),
    /** Amplifier power through `relay` (a relay device id; none: always powered): on `warmUpMs` before the first sound, off after `idleOffSec` without sound. */
    amplifier: z
      .object({ relay: z.string().regex(DEVICE_ID).optional(), warmUpMs: z.number().int().min(0).max(30_000).default(1500), idleOffSec: z.number().min(0).max(3600).default(60) })
      .strict()
      .default({ warmUpMs: 1500, idleOffSec: 60 }),
  })
  .strict();

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

/** A contact on a GPIO pin: panic button, door contact, PIR, alarm panel or camera output, UPS mains signal. */
export const alarmInputSchema = z.object({ ...deviceCommon, category: z.enum(CATEGORIES).default('alarm'), ...alarmInputFields }).strict().transform(withInputDefaults);

/** A relay on a GPIO pin: siren, strobe, amplifier power. */
export const relaySchema = z.object({ ...deviceCommon, ...relayFields }).strict().transform(withRelayDefaults);

/** One entry per driver kind; new drivers add their schema here. */
const deviceSchema = z.discriminatedUnion('driver', [mqttDeviceSchema, loudspeakerDeviceSchema, ipSpeakerDeviceSchema, alarmInputSchema, relaySchema]);
export type DeviceConfig = z.infer<typeof deviceSchema>;
export type MqttDeviceConfig = z.infer<typeof mqttDeviceSchema>;
export type AlarmInputConfig = z.infer<typeof alarmInputSchema>;
export type RelayConfig = z.infer<typeof relaySchema>;
export type LoudspeakerDeviceConfig = z.infer<typeof loudspeakerDeviceSchema>;
export type IpSpeakerDeviceConfig = z.infer<typeof ipSpeakerDeviceSchema>;

const operatorSchema = z
  .object({
    /** Key id the operator's tool puts in `kid`. */
    kid: z.string().min(1).max(64),
    /** Ed25519 public key: PEM, or base64 of the 32 raw bytes (`vgw keygen` prints both). */
    publicKey: z.string().min(40).superRefine((text, ctx) => {
      // Parsed here, not at the first command: a malformed key made every command fail `bad-signature` (issue 8, #18).
      try {
        loadPublicKey(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
    /** What this key may do. */
    roles: z.array(z.enum(ROLES)).min(1),
  })
  .strict();
export type OperatorConfig = z.infer<typeof operatorSchema>;

export const configSchema = z
  .object({
    gateway: z
      .object({
        /** Gateway id given at provisioning, e.g. `370283104-xiejiayu-01`; also its MQTT client id and username. */
        id: z.string().regex(GATEWAY_ID, 'lowercase letters, digits and "-", 3 to 64 characters'),
        /** Township code, e.g. `370283104`. */
        township: z.string().regex(/^[0-9a-z-]{1,32}$/, 'the township code, digits like "370283104"'),
        /** Directory for the SQLite database; must be on persistent storage. */
        dataDir: z.string().min(1),
        /** File whose existence means the system clock is NTP-synced (systemd-timesyncd writes this one). */
        clockSyncedFile: z.string().default('/run/systemd/timesync/synchronized'),
      })
      .strict(),
    localBroker: z
      .object({
        /** Address to listen on; the village LAN interface or 0.0.0.0. */
        host: z.string().default('0.0.0.0'),
        /** TCP port (1883 plain, 8883 with TLS). 0 picks a free port (tests). */
        port: z.number().int().min(0).max(65535).default(1883),
        /** Largest accepted device payload in bytes; larger ones are rejected and reported. */
        maxPayloadBytes: z.number().int().min(64).max(1_048_576).default(16_384),
        /** Serve MQTT over TLS with this certificate and key. */
        tls: tlsFiles.optional(),
        /** Time from connect to a successful login (TLS handshake, CONNECT, password check) before the connection is closed. */
        loginTimeoutMs: z.number().int().min(1000).max(120_000).default(10_000),
        /** Connections not yet logged in, in total; more are closed at once (a village has tens of devices). */
        maxPendingLogins: z.number().int().min(1).max(10_000).default(64),
        /** Connections not yet logged in from one address. */
        maxPendingLoginsPerAddress: z.number().int().min(1).max(10_000).default(8),
        /** Publish rate of each device; over it a publish waits up to `rateHoldMs`, beyond that the connection is closed. */
        deviceRate: rateSchema.default({ perSec: 100, burst: 500 }),
        /** Publish rate of devices of category `alarm`: ten times higher by default, not unlimited (see gateway/local-broker.ts). */
        alarmRate: rateSchema.default({ perSec: 1000, burst: 5000 }),
        /** Longest a publish over its device's rate is held (no PUBACK yet, nothing read from that device) before it is refused. */
        rateHoldMs: z.number().int().min(0).max(60_000).default(1000),
      })
      .strict()
      .default({
        host: '0.0.0.0',
        port: 1883,
        maxPayloadBytes: 16_384,
        loginTimeoutMs: 10_000,
        maxPendingLogins: 64,
        maxPendingLoginsPerAddress: 8,
        deviceRate: { perSec: 100, burst: 500 },
        alarmRate: { perSec: 1000, burst: 5000 },
        rateHoldMs: 1000,
      }),
    uplink: z
      .object({
        /** Township broker URL: `mqtts://host:8883` (or `mqtt://` on a trusted network only). */
        url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'a URL like mqtts://township.example:8883'),
        /** MQTT protocol version: 5 (preferred, Mosquitto) or 4 (= 3.1.1). */
        protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
        /** Username; the contract expects the gateway id. */
        username: z.string().optional(),
        /** File holding the password (keeps the secret out of this file). */
        passwordFile: z.string().optional(),
        /** TLS material for the township connection. */
        tls: tlsFiles.optional(),
        /** MQTT keepalive in seconds; the township sees us offline within 1.5× this. */
        keepaliveSec: z.number().int().min(5).max(3600).default(30),
        /** First reconnect delay; doubles up to `backoffMaxMs`, with jitter. */
        backoffInitialMs: timerMs(z.number().int().min(50)).default(1000),
        /** Largest reconnect delay. */
        backoffMaxMs: timerMs(z.number().int().min(100)).default(60_000),
        /** Messages in flight (sent, not yet PUBACKed). */
        inflightWindow: z.number().int().min(1).max(65_535).default(1000),
        /** Seconds between `metrics` messages (at most a day); 0 turns them off. */
        metricsIntervalSec: z.number().min(0).max(86_400).default(60),
      })
      .strict(),
    outbox: z
      .object({
        /** Most events kept while the uplink is down. */
        maxRows: z.number().int().min(100).default(500_000),
        /** Most payload bytes kept while the uplink is down. */
        maxBytes: z.number().int().min(65_536).default(512 * 1024 * 1024),
        /** Below this much free space on the data directory's disk the outbox evicts instead of growing. */
        minFreeBytes: z.number().int().min(0).default(64 * 1024 * 1024),
        /** Space kept preallocated in the data directory for critical events and deletes on a full disk. */
        reserveBytes: z.number().int().min(0).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
      })
      .strict()
      .default({ maxRows: 500_000, maxBytes: 512 * 1024 * 1024, minFreeBytes: 64 * 1024 * 1024, reserveBytes: 8 * 1024 * 1024 }),
    commands: z
      .object({
        /** Operators' public keys and what each may do. */
        operators: z.array(operatorSchema).default([]),
        /** Longest accepted `expiresAt - issuedAt` (at most 30 days); bounds how long command ids must be remembered. */
        maxLifetimeSec: z.number().int().min(10).max(30 * 24 * 3600).default(7 * 24 * 3600),
        /** Largest command payload read at all; larger ones are refused unparsed (raise it for big `access.sync` lists). */
        maxPayloadBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
      })
      .strict()
      .default({ operators: [], maxLifetimeSec: 7 * 24 * 3600, maxPayloadBytes: 64 * 1024 }),
    /** `system` reports of rejected input, aggregated per type and reason (issue 8, #4). */
    reports: z
      .object({
        /** A kind of rejection is reported at most once per this many seconds; repeats are counted into the next report. */
        intervalSec: z.number().min(0.05).max(3600).default(2),
        /** Reports stored per minute, all kinds together; the rest wait, counted, in memory. */
        maxPerMinute: z.number().int().min(1).max(10_000).default(30),
      })
      .strict()
      .default({ intervalSec: 2, maxPerMinute: 30 }),
    /** Gateway-wide map from event type to severity. */
    severity: severityMap.default({ types: {} }),
    /** Devices mounted by this gateway. */
    devices: z.array(deviceSchema).default([]),
    /** Zones of alarm inputs, with their arming schedules. */
    zones: zonesSchema,
    /** Local reactions: what this box does at once on an event, uplink or not. */
    reactions: reactionsSchema,
    /** Notices on the loudspeakers (the `broadcast` command). */
    broadcast: z
      .object({
        /** Named sounds, `{name}.wav` or `.mp3`; default `{dataDir}/sounds`, where the built-in `chime` and `alarm` are written when missing. */
        soundsDir: z.string().min(1).optional(),
        /** Sound played before every emergency notice. */
        chime: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a sound name like "chime"').default('chime'),
        /** espeak-ng voice; `auto` asks the installed espeak-ng which of its voices speaks Mandarin tones. */
        voice: z.string().min(1).default('auto'),
        /** Longest an audio URL's whole download may take. */
        downloadTimeoutSec: z.number().min(1).max(600).default(60),
        /** Largest audio file downloaded; a command may ask for less with `maxBytes`. */
        downloadMaxBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(20 * 1024 * 1024),
        /** Let audio URLs reach loopback, link-local and this box's own addresses (off by default: issue 8, #14a). */
        allowLocalUrls: z.boolean().default(false),
        /** Hosts (`name` or `name:port`, as in the URL) allowed although local, e.g. a sound server on the LAN box itself. */
        localUrlHosts: z.array(z.string().min(1).max(255)).default([]),
      })
      .strict()
      .default({ chime: 'chime', voice: 'auto', downloadTimeoutSec: 60, downloadMaxBytes: 20 * 1024 * 1024, allowLocalUrls: false, localUrlHosts: [] }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.devices.forEach((d, i) => {
      const first = seen.get(d.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `device id "${d.id}" is used twice (also devices[${first}]); give each device its own id` });
      }
      if (d.id === cfg.gateway.id) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `device id "${d.id}" equals the gateway id, which system events use; rename the device` });
      }
      seen.set(d.id, i);
    });
    const kids = new Set<string>();
    cfg.commands.operators.forEach((o, i) => {
      if (kids.has(o.kid)) ctx.addIssue({ code: 'custom', path: ['commands', 'operators', i, 'kid'], message: `key id "${o.kid}" is listed twice; merge the entries` });
      kids.add(o.kid);
    });
    cfg.devices.forEach((d, i) => {
      if (d.driver === 'ip-speaker' && !cfg.devices.some((m) => m.id === d.via && m.driver === 'mqtt')) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'via'], message: `no mqtt device "${d.via}" in devices; add the IP speaker module's own login (driver: mqtt) and name it here` });
      }
      const relay = d.driver === 'loudspeaker' ? d.amplifier.relay : undefined;
      if (relay !== undefined && !cfg.devices.some((m) => m.id === relay && m.driver === 'relay')) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'amplifier', 'relay'], message: `no relay device "${relay}" in devices; add the amplifier's relay (driver: relay) or remove the key` });
      }
    });
    for (const issue of checkLocalSafety(cfg)) ctx.addIssue({ code: 'custom', ...issue });
    if (cfg.uplink.backoffMaxMs < cfg.uplink.backoffInitialMs) {
      ctx.addIssue({ code: 'custom', path: ['uplink', 'backoffMaxMs'], message: 'must be at least uplink.backoffInitialMs' });
    }
    if (cfg.uplink.url.startsWith('mqtt://') && cfg.uplink.tls) {
      ctx.addIssue({ code: 'custom', path: ['uplink', 'url'], message: 'uplink.tls is set but the URL is mqtt:// (plain); use mqtts://' });
    }
  });

export type Config = z.infer<typeof configSchema>;

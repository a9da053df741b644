/**
 * The one config schema (style rule 9): validated once at start, frozen, types derived from it.
 * Every field has a one-line doc; the README's config example follows this file.
 */
import { z } from 'zod';
import { zonesSchema } from '../arming/config.js';
import { accessSchema, checkAccess } from '../access/config.js';
import { loadPublicKey } from '../kernel/signing.js';
import { checkLocalSafety } from '../reactions/config-checks.js';
import { reactionsSchema } from '../reactions/config.js';
import { checkPersonRules, personRulesSchema } from '../person-rules/config.js';
import { checkPatrol, patrolSchema } from '../patrol/config.js';
import { opcuaServerSchema } from '../opcua-server/config.js';
import { outboxSchema, tlsFiles, uplinkSchema } from '../../cloud-bridge/config.js';
import { snapshotsSchema } from '../../cloud-bridge/snapshot-config.js';
import { rateSchema, severityMap } from '../../device-drivers/device-common.js';
import type { AnyDriverModule, ConfigView } from '../../device-drivers/module.js';
import { defaultModules, moduleFor, type DeviceConfig } from '../../device-drivers/registry.js';
import { GATEWAY_ID } from '../kernel/ids.js';
import { ROLES } from '../kernel/roles.js';
import { httpSchema } from '../http/config.js';


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

/**
 * The `devices` list: a union over the modules' schemas by `driver` (issue 9: the registry's list, not
 * this file, says which kinds exist). Typed as the built-in kinds; a test's extra kind parses the same.
 */
function devicesSchema(modules: readonly AnyDriverModule[]) {
  const schemas = modules.map((m) => m.schema) as unknown as Parameters<typeof z.discriminatedUnion>[1];
  return z.array(z.discriminatedUnion('driver', schemas) as unknown as z.ZodType<DeviceConfig>);
}

/** The config schema for a gateway mounting `modules` (the daemon: every built-in kind). */
export function buildConfigSchema(modules: readonly AnyDriverModule[] = defaultModules) {
  return z
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
    uplink: uplinkSchema,
    outbox: outboxSchema,
    /** Camera pictures waiting for the uplink: their caps, bandwidth budget and disk floor (issue 11). */
    snapshots: snapshotsSchema,
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
    /** Hourly counts of accepted events per category for the acceptance report (gateway/event-counts.ts). */
    eventCounts: z
      .object({
        /** Seconds between writes of the counts: a crash loses at most this many seconds of them. */
        flushSec: z.number().min(0.05).max(3600).default(60),
      })
      .strict()
      .default({ flushSec: 60 }),
    /** LAN-side HTTP: /healthz, /metrics, the status page (issue 13). */
    http: httpSchema,
    /** Gateway-wide map from event type to severity. */
    severity: severityMap.default({ types: {} }),
    /** Devices mounted by this gateway. */
    devices: devicesSchema(modules).default([]),
    /** Zones of alarm inputs, with their arming schedules. */
    zones: zonesSchema,
    /** Access control (issue 10): credential secret, entry-record retention, anti-passback doors. */
    access: accessSchema,
    /** Local reactions: what this box does at once on an event, uplink or not. */
    reactions: reactionsSchema,
    /** Person alert rules: a watch-listed person appears, a resident is absent for long, a stranger (issue 10). */
    personRules: personRulesSchema,
    /** Electronic patrol (电子巡更): checkpoints and scheduled routes (issue 10). */
    patrol: patrolSchema,
    /** The gateway's own OPC UA server for SCADA platforms (issue 15), off by default. */
    opcuaServer: opcuaServerSchema,
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
    // Each kind checks what its devices need of the others (an IP speaker's login, an amplifier's relay).
    const byId = new Map(cfg.devices.map((d) => [d.id, d]));
    const view: ConfigView = { devices: cfg.devices, zones: cfg.zones, moduleOf: (id) => { const d = byId.get(id); return d && moduleFor(modules, d.driver); } };
    cfg.devices.forEach((d, i) => {
      for (const issue of moduleFor(modules, d.driver)?.checks?.(d, i, view) ?? []) ctx.addIssue({ code: 'custom', ...issue });
    });
    for (const issue of checkLocalSafety(cfg, view)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of checkAccess(cfg.access, view)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of [...checkPersonRules(cfg), ...checkPatrol(cfg)]) ctx.addIssue({ code: 'custom', ...issue });
    if (cfg.uplink.backoffMaxMs < cfg.uplink.backoffInitialMs) {
      ctx.addIssue({ code: 'custom', path: ['uplink', 'backoffMaxMs'], message: 'must be at least uplink.backoffInitialMs' });
    }
    if (cfg.uplink.url.startsWith('mqtt://') && cfg.uplink.tls) {
      ctx.addIssue({ code: 'custom', path: ['uplink', 'url'], message: 'uplink.tls is set but the URL is mqtt:// (plain); use mqtts://' });
    }
  });

}

/** The schema of the daemon's config: every built-in driver kind. */
export const configSchema = buildConfigSchema();

export type Config = z.infer<typeof configSchema>;
export type { DeviceConfig };

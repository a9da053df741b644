/** Config fields of an `opcua` device: one OPC UA server endpoint and the items read from it (issue 15). */
import { z } from 'zod';
import { EVENT_TYPE } from '../../gateway/kernel/ids.js';
import type { Severity } from '../../gateway/kernel/severity.js';
import { deviceCommon, severitySchema } from '../device-common.js';
import { withSeverityDefaults } from '../gpio/severity-defaults.js';

const eventType = z.string().regex(EVENT_TYPE, 'an event type like "fire.alarm"');

/** Message security of a connection: mode and policy (OPC 10000-4 §7.20, OPC 10000-7 security policies). */
export const securitySchema = z
  .object({
    /** `None` (test benches only), `Sign`, or `SignAndEncrypt`. */
    mode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
    /** Security policy; `None` only with mode `None`. Basic128Rsa15 and Basic256 are deprecated and not offered. */
    policy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).default('None'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.mode === 'None') !== (s.policy === 'None')) {
      ctx.addIssue({ code: 'custom', path: ['policy'], message: s.mode === 'None' ? 'mode None goes with policy None; set mode Sign or SignAndEncrypt to use a policy' : `mode ${s.mode} needs a policy such as Basic256Sha256` });
    }
  });

/** A boolean item: `when` the value equals it, `type` is raised; when it leaves it, `restoreType`. */
const booleanRule = z
  .object({
    /** The value that means "alarm" (a normally-closed contact reads false in alarm). */
    when: z.boolean().default(true),
    /** Event type raised, e.g. `fire.alarm`. */
    type: eventType,
    /** Event type when the value returns, e.g. `fire.restored`. */
    restoreType: eventType,
    /** Severity of `type` (else the device's and the gateway's severity maps decide). */
    severity: severitySchema.optional(),
  })
  .strict();

/** A numeric item crossing a limit: raised at the limit, restored only `hysteresis` back inside it. */
const thresholdRule = z
  .object({
    /** Raised when the value reaches this or more (a high water level). */
    above: z.number().optional(),
    /** Raised when the value falls to this or less (a low tank). */
    below: z.number().optional(),
    /** How far back inside the limit the value must come before `restoreType` (stops flapping at the limit). */
    hysteresis: z.number().min(0).default(0),
    /** Event type raised, e.g. `water.level.high`. */
    type: eventType,
    /** Event type when the value is back to normal. */
    restoreType: eventType,
    /** Severity of `type`. */
    severity: severitySchema.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.above === undefined) === (t.below === undefined)) ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of `above` or `below`' });
  });

const itemSchema = z
  .object({
    /** The item's name in events, state and the `write` action: `[a-z0-9-]{1,64}`. */
    name: z.string().regex(/^[a-z0-9-]{1,64}$/, 'lowercase letters, digits and "-", up to 64 characters'),
    /** NodeId as `vgw opcua browse` prints it, e.g. `ns=2;s=Station.Level`. */
    nodeId: z.string().min(1).max(512).optional(),
    /** Or a browse path from the Objects folder, e.g. `/2:Station/2:Level`. */
    browsePath: z.string().regex(/^(\/[^/]+)+$/, 'a path like "/2:Station/2:Level"').optional(),
    /** How often the server samples the value. */
    samplingIntervalMs: z.number().int().min(0).max(3_600_000).default(250),
    /** A numeric value's change smaller than this is not mirrored to the device's state (noise). */
    deadband: z.number().min(0).default(0),
    /** The value may be written by the `write` action (command `opcua.write`, role admin). */
    writable: z.boolean().default(false),
    /** Boolean rule: alarm on a value. */
    alarm: booleanRule.optional(),
    /** Threshold rule: alarm beyond a limit, with hysteresis. */
    threshold: thresholdRule.optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    if ((item.nodeId === undefined) === (item.browsePath === undefined)) ctx.addIssue({ code: 'custom', path: ['nodeId'], message: 'give exactly one of `nodeId` or `browsePath` (find them with `vgw opcua browse URL`)' });
    if (item.alarm && item.threshold) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'an item has one rule: `alarm` (boolean) or `threshold` (numeric)' });
  });

export const opcuaFields = {
  driver: z.literal('opcua'),
  /** The server's endpoint URL, `opc.tcp://host:port/path`. */
  endpoint: z.string().regex(/^opc\.tcp:\/\/[^\s/:]+(:\d{1,5})?(\/\S*)?$/, 'an OPC UA URL like "opc.tcp://192.168.1.50:4840"'),
  /** Message security; the gateway's certificate is created on first use under `{dataDir}/opcua-pki`. */
  security: securitySchema.default({ mode: 'None', policy: 'None' }),
  /** User name for a user/password login; without it the session is anonymous. */
  user: z.string().min(1).max(128).optional(),
  /** File holding the password of `user` (mode 0600); the password is never written in the config. */
  passwordFile: z.string().min(1).optional(),
  /** How often the server sends the changes of the subscription. */
  publishingIntervalMs: z.number().int().min(50).max(60_000).default(500),
  /** Longest wait between reconnection attempts (the delay doubles from 500 ms up to this). */
  reconnectMaxMs: z.number().int().min(1000).max(600_000).default(10_000),
  /** The items read from the server. */
  items: z.array(itemSchema).min(1).max(500),
};

/** Severities of the item rules' types and the driver's own, below the device's own map. */
function withOpcuaDefaults<T extends z.infer<z.ZodObject<typeof opcuaFields & typeof deviceCommon>>>(d: T) {
  const rules: Record<string, Severity> = { 'device.fault': 'major', 'device.fault.cleared': 'info' };
  for (const item of d.items) {
    const rule = item.alarm ?? item.threshold;
    if (rule) rules[rule.restoreType] ??= 'info';
    if (rule?.severity) rules[rule.type] = rule.severity;
  }
  return { ...d, severity: withSeverityDefaults(d.severity, rules) };
}

/** An OPC UA server endpoint (a fire panel, a pump or water-level controller, a gate PLC). */
export const opcuaSchema = z
  .object({ ...deviceCommon, ...opcuaFields })
  .strict()
  .superRefine((d, ctx) => {
    if (d.user && !d.passwordFile) ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: `user "${d.user}" needs passwordFile: a file (mode 0600) holding the password` });
    if (!d.user && d.passwordFile) ctx.addIssue({ code: 'custom', path: ['user'], message: 'passwordFile is set but user is not; give the user name' });
    const names = new Set<string>();
    d.items.forEach((item, i) => {
      if (names.has(item.name)) ctx.addIssue({ code: 'custom', path: ['items', i, 'name'], message: `item name "${item.name}" is used twice; give each item its own name` });
      names.add(item.name);
    });
  })
  .transform(withOpcuaDefaults);

/** A validated `opcua` device. */
export type OpcuaDeviceConfig = z.infer<typeof opcuaSchema>;
/** One validated item of an `opcua` device. */
export type OpcuaItemConfig = OpcuaDeviceConfig['items'][number];

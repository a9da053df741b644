/**
 * The `personRules` config key (issue 10 item 6, the seeds' 告警: 触发方式 出现 / 长时间不出现 / 陌生人,
 * 告警维度 时间段 / 设备范围 / 比对库范围, 告警方式 弹窗 / 后台记录 / 第三方推送).
 */
import { z } from 'zod';
import { SEVERITIES } from '../kernel/severity.js';
import { timerSec } from '../kernel/timers.js';
import { parseWeeklyWindow, WINDOW_HINT } from './weekly.js';

const NAME = /^[a-z0-9-]{1,64}$/;
const NAME_HINT = 'lowercase letters, digits and "-", 1 to 64 characters';

/** Where the monitoring center routes an alert: a pop-up, the back-office record, a push to third parties. */
export const CHANNELS = ['popup', 'record', 'push'] as const;

const common = {
  /** Rule name, in logs and in its events' `data.rule`. */
  name: z.string().regex(NAME, NAME_HINT),
  /** Severity of the rule's events. */
  severity: z.enum(SEVERITIES).default('major'),
  /** How the monitoring center should show it (`popup`, `record`, `push`), carried in `data.channels`. */
  channels: z.array(z.enum(CHANNELS)).min(1).default(['record']),
};

/** Person lists (比对库), as the access and face events name them. */
const lists = z.array(z.string().min(1).max(128)).min(1);

const scope = {
  /** Only sightings at these devices (readers, cameras, face terminals); unset: at any device. */
  devices: z.array(z.string()).min(1).optional(),
  /** Only within these weekly windows (local time), e.g. `"22:00-06:00"`, `"mon-fri 08:00-18:00"`; unset: always. */
  windows: z.array(z.string().refine((s) => parseWeeklyWindow(s) !== null, WINDOW_HINT)).min(1).optional(),
  /** Repeats of the same alert (same person or stranger, same device) within this many seconds are counted into the next one instead of raised. */
  cooldownSec: timerSec(z.number().min(0)).default(60),
};

const appearRule = z
  .object({
    ...common,
    /** `appear`: a person of one of `lists` is seen at `devices` within `windows`. */
    trigger: z.literal('appear'),
    /** The lists watched (e.g. a watch list). */
    lists,
    ...scope,
  })
  .strict();

const absentRule = z
  .object({
    ...common,
    /** `absent`: a person of one of `lists` not seen anywhere for `hours` (welfare check, 留守老人); once per absence. */
    trigger: z.literal('absent'),
    /** The lists watched (e.g. elderly residents living alone). */
    lists,
    /** Hours without a sighting before the alert; again only after a new sighting (at most 90 days). */
    hours: z.number().positive().max(90 * 24),
  })
  .strict();

const strangerRule = z
  .object({
    ...common,
    /** `stranger`: an unknown face or credential at `devices` within `windows`. */
    trigger: z.literal('stranger'),
    ...scope,
  })
  .strict();

/** One alert rule. */
export const personRuleSchema = z.discriminatedUnion('trigger', [appearRule, absentRule, strangerRule]);
/** A validated rule. */
export type PersonRuleConfig = z.infer<typeof personRuleSchema>;

/** The `personRules` section. */
export const personRulesSchema = z
  .object({
    /** How often absences are looked for (seconds); an absence is reported at most this late. */
    checkEverySec: timerSec(z.number().min(0.01), 3600).default(60),
    /** Most persons whose absence is watched; sightings of more are not kept (a flood of made-up persons must not grow memory and disk). */
    maxWatchedPersons: z.number().int().min(1).max(1_000_000).default(50_000),
    /** The rules, each raising its own events. */
    rules: z.array(personRuleSchema).default([]),
  })
  .strict()
  .default({ checkEverySec: 60, maxWatchedPersons: 50_000, rules: [] });
/** The validated `personRules` section. */
export type PersonRulesConfig = z.infer<typeof personRulesSchema>;

/** A config problem at a key path, with the fix. */
export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/** Cross-key checks: rule names unique, every device named is under `devices`. */
export function checkPersonRules(cfg: { personRules: PersonRulesConfig; devices: readonly { id: string }[] }): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const devices = new Set(cfg.devices.map((d) => d.id));
  const names = new Set<string>();
  cfg.personRules.rules.forEach((r, i) => {
    if (names.has(r.name)) issues.push({ path: ['personRules', 'rules', i, 'name'], message: `rule "${r.name}" is listed twice; give each rule its own name` });
    names.add(r.name);
    if (r.trigger === 'absent') return;
    r.devices?.forEach((d, j) => {
      if (!devices.has(d)) issues.push({ path: ['personRules', 'rules', i, 'devices', j], message: `no device "${d}" under devices; name a reader, camera or face terminal of this gateway, or drop the key to watch every device` });
    });
  });
  return issues;
}

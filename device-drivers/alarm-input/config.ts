/**
 * Config fields of an `alarm-input` device (a contact on a GPIO pin), spread into its schema beside
 * `deviceCommon`, and the defaults that depend on the input's kind.
 */
import { z } from 'zod';
import type { Severity } from '../../gateway/kernel/severity.js';
import { ZONE_NAME, ZONE_NAME_HINT } from '../../gateway/kernel/ids.js';
import { CATEGORIES } from '../../gateway/kernel/categories.js';
import { deviceCommon } from '../device-common.js';
import { withSeverityDefaults, type DeviceSeverity } from '../gpio/severity-defaults.js';

export const INPUT_KINDS = ['panic', 'door-contact', 'pir', 'tamper', 'panel-output', 'camera-alarm', 'power-fail'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export const alarmInputFields = {
  driver: z.literal('alarm-input'),
  /** Zone of the input; one of `zones`. */
  zone: z.string().regex(ZONE_NAME, ZONE_NAME_HINT),
  /** BCM number of the GPIO pin (as on pinout.xyz), not the physical pin number. */
  pin: z.number().int().min(0).max(53),
  /** What is wired: a UPS board's `power-fail` output reports mains lost and restored. */
  kind: z.enum(INPUT_KINDS),
  /** `NO`: the contact closes on alarm. `NC`: it opens on alarm, so a cut wire reads as alarm too. */
  contact: z.enum(['NO', 'NC']).default('NO'),
  /** A closed contact reads low (switch to ground, pull-up `gpio=17=pu` in config.txt); false: reads high. */
  activeLow: z.boolean().default(true),
  /** Milliseconds a level must hold before it counts (contact bounce is shorter). */
  debounceMs: z.number().int().min(0).max(10_000).default(50),
  /** `24h`: alarms armed or not; `armable`: only while its zone is armed. Default: 24h for panic, tamper, power-fail. */
  mode: z.enum(['24h', 'armable']).optional(),
  /** Seconds from activation to alarm while armed, to reach the keypad; armable inputs only. */
  entryDelaySec: z.number().min(0).max(300).default(0),
  /** Report `alarm.restored` when the input returns to normal. */
  restore: z.boolean().default(true),
  /** NC only: a loop open this long is a cut wire, reported as tamper. Default 60 for pir and camera-alarm. */
  cutAfterSec: z.number().positive().max(86_400).optional(),
  /** This many changes within `windowSec` is a chattering contact: one `device.fault`, then quiet. */
  chatter: z
    .object({ transitions: z.number().int().min(3).max(1000).default(10), windowSec: z.number().positive().max(3600).default(10) })
    .strict()
    .default({ transitions: 10, windowSec: 10 }),
};

const TWENTY_FOUR_HOUR: readonly InputKind[] = ['panic', 'tamper', 'power-fail'];
/** Their alarm outputs open for seconds only; a loop open for a minute is a cut wire. */
const CUT_AFTER: Partial<Record<InputKind, number>> = { pir: 60, 'camera-alarm': 60 };
const ALARM_SEVERITY: Record<InputKind, Severity> = {
  panic: 'critical',
  'panel-output': 'critical',
  tamper: 'major',
  'door-contact': 'major',
  pir: 'major',
  'camera-alarm': 'major',
  'power-fail': 'minor',
};

interface Parsed {
  kind: InputKind;
  contact: 'NO' | 'NC';
  mode?: '24h' | 'armable' | undefined;
  cutAfterSec?: number | undefined;
  severity?: DeviceSeverity | undefined;
}

/** Fills the kind-dependent defaults: mode, cut-wire time, and severities of the input's event types. */
export function withInputDefaults<T extends Parsed>(d: T) {
  return {
    ...d,
    mode: d.mode ?? (TWENTY_FOUR_HOUR.includes(d.kind) ? '24h' : 'armable'),
    cutAfterSec: d.cutAfterSec ?? (d.contact === 'NC' ? (CUT_AFTER[d.kind] ?? null) : null),
    severity: withSeverityDefaults(d.severity, {
      'alarm.triggered': ALARM_SEVERITY[d.kind],
      'alarm.restored': 'info',
      'device.fault': 'major',
      'device.fault.cleared': 'info',
    }),
  };
}

/** A contact on a GPIO pin: panic button, door contact, PIR, alarm panel or camera output, UPS mains signal. */
export const alarmInputSchema = z.object({ ...deviceCommon, category: z.enum(CATEGORIES).default('alarm'), ...alarmInputFields }).strict().transform(withInputDefaults);


/** A validated `alarm-input` device. */
export type AlarmInputConfig = z.infer<typeof alarmInputSchema>;

/**
 * Config of a `camera` device (issue 11): how to reach it, which alarm sources to use (ONVIF PullPoint,
 * ISAPI alertStream), snapshots, alarm hygiene (merge window, cooldown, time windows, extra rules)
 * and health checks. Severity per alarm type goes in the device's `severity.types`, as for any device.
 */
import { z } from 'zod';
import { CATEGORIES } from '../../gateway/kernel/categories.js';
import { DEVICE_ID, EVENT_TYPE } from '../../gateway/kernel/ids.js';
import type { Severity } from '../../gateway/kernel/severity.js';
import { timerSec } from '../../gateway/kernel/timers.js';
import { deviceCommon } from '../device-common.js';
import { withSeverityDefaults } from '../gpio/severity-defaults.js';
import { DAYS } from './windows.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time "HH:MM", e.g. "22:00"');

/** One weekly window in which alarms are reported (see windows.ts). */
export const windowSchema = z
  .object({
    /** Days the window starts on; default every day. */
    days: z.array(z.enum(DAYS)).min(1).default([...DAYS]),
    /** Start, local time `HH:MM`. */
    from: HHMM,
    /** End `HH:MM`; not after `from`: the window runs across midnight. */
    to: HHMM,
  })
  .strict();

/** ONVIF events over a PullPoint subscription, snapshot URI and clock. */
export const onvifSchema = z
  .object({
    /** Path of the device service on the camera. */
    path: z.string().startsWith('/').default('/onvif/device_service'),
    /** Subscribe to events (PullPoint); false: ONVIF only for the clock and snapshot URI. */
    events: z.boolean().default(true),
    /** Seconds a PullMessages request waits on the camera for events. */
    pullTimeoutSec: z.number().int().min(1).max(60).default(10),
    /** Notifications taken per PullMessages. */
    messageLimit: z.number().int().min(1).max(100).default(10),
    /** Lifetime asked for the subscription; renewed when a third of it is left. */
    subscriptionSec: timerSec(z.number().int().min(5), 3600).default(60),
    /** Consecutive failed pulls or renewals after which the subscription is rebuilt. */
    rebuildAfterFailures: z.number().int().min(1).max(100).default(3),
  })
  .strict();

/** Hikvision ISAPI `alertStream` (a long multipart response; some NVRs drop it every ~40 s). */
export const isapiSchema = z
  .object({
    /** Path of the alert stream. */
    path: z.string().startsWith('/').default('/ISAPI/Event/notification/alertStream'),
    /** First wait before reconnecting a dropped stream, in ms; doubles up to `backoffMaxMs`. */
    backoffMinMs: z.number().int().min(10).max(60_000).default(500),
    /** Longest wait between reconnects, in ms. */
    backoffMaxMs: z.number().int().min(100).max(600_000).default(30_000),
    /** A stream silent this long (no alert, no heartbeat) is dead and reconnected. */
    idleSec: timerSec(z.number().int().min(5), 3600).default(120),
  })
  .strict();

/** A snapshot fetched with each alarm event. */
export const snapshotSchema = z
  .object({
    /** Fetch a snapshot with alarm events. */
    enabled: z.boolean().default(true),
    /** Snapshot URL (absolute, or a path on the camera); default: ONVIF GetSnapshotUri. */
    url: z.string().min(1).optional(),
    /** The fetch must finish within this, in ms; the event goes on without a picture after it. */
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    /** Largest snapshot taken, in bytes; bigger ones are refused (the event says so). */
    maxBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(2 * 1024 * 1024),
  })
  .strict();

/** An extra event a camera topic or ISAPI event type becomes (tns1:RuleEngine/LineDetector/Crossed → camera.line). */
export const ruleSchema = z
  .object({
    /** An ONVIF topic (`tns1:...`) or an ISAPI `eventType` (`linedetection`). */
    match: z.string().min(1).max(200),
    /** The event type it becomes, e.g. `camera.line`. */
    type: z.string().regex(EVENT_TYPE, 'an event type like "camera.line"'),
  })
  .strict();

/** Alarm hygiene: merge window, cooldown and the weekly windows alarms are reported in. */
export const hygieneSchema = z
  .object({
    /** Triggers within this many seconds of the first make one event with their count; 0: report at once. */
    mergeSec: timerSec(z.number().min(0), 3600).default(0),
    /** After an event, triggers of the same type are counted for this long and reported in one event. */
    cooldownSec: timerSec(z.number().min(0), 86_400).default(60),
    /** Weekly windows alarms are reported in; empty: always. Outside them alarms are counted, not sent. */
    windows: z.array(windowSchema).max(50).default([]),
  })
  .strict();

/** Reachability and clock checks. */
export const healthSchema = z
  .object({
    /** Seconds between checks (ONVIF GetSystemDateAndTime, else an HTTP request to the camera). */
    intervalSec: timerSec(z.number().min(0.1), 3600).default(30),
    /** A check must answer within this, in ms. */
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    /** Consecutive failed checks after which the camera is reported offline. */
    offlineAfter: z.number().int().min(1).max(100).default(2),
    /** Camera clock off by more than this many seconds: one `camera.clock.drift` event until it is back. */
    driftMaxSec: z.number().min(1).max(86_400).default(30),
  })
  .strict();

const ALARM_SEVERITY: Record<string, Severity> = {
  'camera.motion': 'major',
  'camera.tamper': 'major',
  'camera.input': 'major',
  'camera.clock.drift': 'minor',
  'device.offline': 'major',
  'device.online': 'info',
};

/** A network camera (ONVIF and/or Hikvision ISAPI): alarms with snapshots, health, clock drift. */
export const cameraSchema = z
  .object({
    ...deviceCommon,
    category: z.enum(CATEGORIES).default('camera'),
    driver: z.literal('camera'),
    /** The camera's base URL, e.g. `http://192.168.1.64` (http only). */
    url: z
      .url({ protocol: /^http$/, error: 'an http:// URL of the camera, e.g. "http://192.168.1.64"' })
      // A password in the URL would reach logs and events; it belongs in passwordFile.
      .refine((u) => !/^http:\/\/[^/]*@/.test(u), 'no user or password in the URL: put the user in "user" and the password in a file named by "passwordFile"'),
    /** Login user on the camera. */
    user: z.string().min(1).max(64).optional(),
    /** File with the camera's password (mode 0600), never the password itself in the config. */
    passwordFile: z.string().min(1).optional(),
    /** ONVIF: events, snapshot URI, clock; false: not used. */
    onvif: z.union([z.literal(false), onvifSchema]).prefault({}),
    /** Hikvision ISAPI alertStream; absent: not used. */
    isapi: isapiSchema.optional(),
    /** Snapshots with alarms. */
    snapshot: snapshotSchema.prefault({}),
    /** Extra topics or ISAPI event types to report, and as what. */
    rules: z.array(ruleSchema).max(100).default([]),
    /** Merge window, cooldown, weekly windows. */
    hygiene: hygieneSchema.prefault({}),
    /** Reachability and clock checks. */
    health: healthSchema.prefault({}),
    /** The `alarm-input` device (kind `camera-alarm`) wired to this camera's alarm-out contact. */
    alarmInput: z.string().regex(DEVICE_ID, 'the id of an alarm-input device').optional(),
  })
  .strict()
  .transform((d) => ({ ...d, severity: withSeverityDefaults(d.severity, ALARM_SEVERITY) }));

/** A validated `camera` device. */
export type CameraConfig = z.infer<typeof cameraSchema>;

/**
 * Which camera notifications are alarms, and as what event type: the ONVIF topics of the ONVIF
 * Core/Analytics specs and Hikvision's ISAPI `eventType`s, plus the rules the config names.
 */
import type { OnvifNotification } from './onvif.js';

/** ONVIF topics we know (field-notes.md, Devices), and the type they become. */
const ONVIF_TOPICS: Record<string, string> = {
  'tns1:VideoSource/MotionAlarm': 'camera.motion',
  'tns1:RuleEngine/CellMotionDetector/Motion': 'camera.motion',
  'tns1:RuleEngine/TamperDetector/Tamper': 'camera.tamper',
  'tns1:Device/Trigger/DigitalInput': 'camera.input',
};

/** ISAPI event types (EventNotificationAlert/eventType), and the type they become. */
const ISAPI_TYPES: Record<string, string> = {
  VMD: 'camera.motion',
  tamperdetection: 'camera.tamper',
  shelteralarm: 'camera.tamper',
  IO: 'camera.input',
};

/** Data items that carry an alarm's on/off state in the topics above (State, IsMotion, IsTamper, LogicalState). */
const STATE_ITEMS = ['State', 'IsMotion', 'IsTamper', 'LogicalState'];

/** The event type of an ONVIF topic or ISAPI type, config rules first; null: not an alarm we report. */
export function typeFor(match: string, rules: readonly { match: string; type: string }[], source: 'onvif' | 'isapi'): string | null {
  const rule = rules.find((r) => r.match === match);
  if (rule) return rule.type;
  return (source === 'onvif' ? ONVIF_TOPICS[match] : ISAPI_TYPES[match]) ?? null;
}

/**
 * Whether an ONVIF notification is an alarm starting: a `Changed` message whose state item is true.
 * `Initialized` messages restate the current state when a subscription is (re)built; reporting them
 * would repeat an alarm after every rebuild. A topic without a state item is an event in itself.
 */
export function onvifActive(n: OnvifNotification): boolean {
  if (n.operation === 'Initialized' || n.operation === 'Deleted') return false;
  const state = STATE_ITEMS.find((k) => k in n.data);
  return state === undefined ? true : /^(true|1)$/i.test(n.data[state] ?? '');
}

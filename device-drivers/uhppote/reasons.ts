/** The controllers' event reason codes (research part A.4, from uhppoted-nodejs lookup.js and the simulator's reasons.go). */
import type { DenyReason } from '../access.js';

export const REASON = {
  swipe: 1,
  pushButton: 20,
  doorOpened: 23,
  doorClosed: 24,
  supervisorOpen: 25,
  doorOpenTooLong: 37,
  forcedOpen: 38,
  remoteOpen: 44,
  remoteOpenUsb: 45,
} as const;

/** Reason codes as people read them, for events and logs. */
export const REASON_TEXT: Readonly<Record<number, string>> = {
  1: 'swipe', 2: 'swipe open', 3: 'swipe close', 5: 'denied: PC control', 6: 'no access rights', 7: 'incorrect password',
  8: 'anti-passback', 9: 'more cards', 10: 'first card open', 11: 'door normally closed', 12: 'interlock',
  13: 'not in allowed time period', 15: 'invalid time zone', 18: 'access denied', 20: 'push button ok', 23: 'door opened',
  24: 'door closed', 25: 'door opened (supervisor password)', 28: 'controller power on', 29: 'controller reset',
  31: 'push button invalid (door locked)', 32: 'push button invalid (offline)', 33: 'push button invalid (interlock)',
  34: 'push button invalid (threat)', 37: 'door open too long', 38: 'forced open', 39: 'fire', 40: 'forced closed',
  41: 'theft prevention', 42: '24x7 zone', 43: 'emergency', 44: 'remote open door', 45: 'remote open door (USB reader)',
};

/** The reason text of `code`, or `reason N` for codes not in the table. */
export const reasonText = (code: number): string => REASON_TEXT[code] ?? `reason ${code}`;

/** The contract's deny reason for a controller's refusal code. */
export function denyReason(code: number): DenyReason {
  switch (code) {
    case 8:
      return 'anti-passback';
    case 13:
    case 15:
      return 'outside-window';
    case 5:
    case 6:
    case 11:
    case 12:
      return 'door-not-allowed';
    default:
      return 'unknown';
  }
}

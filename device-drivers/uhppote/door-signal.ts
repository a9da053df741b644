/**
 * What a controller tells one of its doors, through the door's internal action `controller-signal`
 * (not in the door kind's `actions`, so reactions and commands cannot name it), and what a door asks its
 * controller (`open`). The controller speaks the wire; each door keeps its own state machine and emits
 * its events as itself, so a door of a network controller reads like a door on GPIO.
 */
import type { UnlockBy } from '../door/door-logic.js';

export const SIGNAL_ACTION = 'controller-signal';
export const OPEN_ACTION = 'open';

export type DoorSignal =
  /** The controller released the lock (its own grant, exit button, keypad supervisor, an open not from us). */
  | { kind: 'unlocked'; by: UnlockBy; seconds: number; person: string | null }
  /** The door sensor changed, live. */
  | { kind: 'contact'; open: boolean }
  /** The sensor as found at adoption: state only, no event. */
  | { kind: 'present'; open: boolean }
  /** An event the controller stored while the gateway was away: reported as it happened, outside the live state machine. */
  | { kind: 'backfilled'; type: string; data: Record<string, unknown> }
  /** The controller became reachable or unreachable. */
  | { kind: 'online'; online: boolean };

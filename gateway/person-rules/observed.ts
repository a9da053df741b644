/**
 * What an accepted event says about a person, whatever produced it (issue 10 item 6, issue 11: the
 * rules do not care whether a match came from a door reader, a face terminal or a camera's analytics):
 * - `access.granted` / `access.denied` with `data.person`: that person, on `data.lists`;
 * - `face.matched`: `data.person` on `data.list`;
 * - `access.denied` with reason `unknown` and no person, or `face.unknown`: a stranger.
 * The event's `device` is where the person was seen.
 */
import type { BusEvent } from '../event-bus.js';

/** A known person seen at a device. */
export interface PersonSighting {
  kind: 'person';
  person: string;
  /** The lists the event says the person is on. */
  lists: string[];
  /** Whether `lists` is every list of the person (an access decision lists them all; a face match names one). */
  listsComplete: boolean;
  device: string;
  /** `access.granted` / `access.denied` / `face.matched`. */
  via: string;
  /** A face match's score, when given. */
  score?: number;
}

/** An unknown face or credential seen at a device. */
export interface StrangerSighting {
  kind: 'stranger';
  device: string;
  /** `credential` (an unknown card, PIN or QR) or `face`. */
  source: 'credential' | 'face';
  /** The masked credential (hash and last 2 digits, never the value) or the face's score and camera. */
  detail: Record<string, unknown>;
}

/** What an event says about who was seen. */
export type Sighting = PersonSighting | StrangerSighting;

/** Longest person id and list name taken from an event; longer ones are cut (a device's payload is bounded, not trusted). */
const MAX_NAME = 128;
/** Most lists taken from one event. */
const MAX_LISTS = 32;

const name = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, MAX_NAME) : null);
const names = (v: unknown): string[] => (Array.isArray(v) ? v.slice(0, MAX_LISTS).map(name).filter((s): s is string => s !== null) : []);

/** Copies the string fields named from `data` (a device's payload is not trusted to give them typed). */
function strings(data: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (typeof data[k] === 'string' ? [[k, (data[k] as string).slice(0, MAX_NAME)]] : [])));
}

/** The masked credential of an access event: only its method, hash and last 2 characters, never a value. */
function maskedCredential(v: unknown): Record<string, string> | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const c = strings(v as Record<string, unknown>, ['method', 'hash', 'last2']);
  if (c.last2 !== undefined) c.last2 = c.last2.slice(-2);
  return Object.keys(c).length ? c : undefined;
}

const score = (d: Record<string, unknown>): { score?: number } => (typeof d.score === 'number' && Number.isFinite(d.score) ? { score: d.score } : {});

/** What `event` says about a person, or null when it says nothing the rules use. */
export function sightingOf(event: BusEvent): Sighting | null {
  const d = event.data;
  const person = name(d.person);
  switch (event.type) {
    case 'access.granted':
    case 'access.denied': {
      if (person) return { kind: 'person', person, lists: names(d.lists), listsComplete: Array.isArray(d.lists), device: event.device, via: event.type };
      if (event.type === 'access.denied' && d.reason === 'unknown') {
        const credential = maskedCredential(d.credential);
        return { kind: 'stranger', device: event.device, source: 'credential', detail: { ...strings(d, ['door', 'reader']), ...(credential ? { credential } : {}) } };
      }
      return null;
    }
    case 'face.matched': {
      if (!person) return null;
      const list = name(d.list);
      return { kind: 'person', person, lists: list ? [list] : [], listsComplete: false, device: event.device, via: event.type, ...score(d) };
    }
    case 'face.unknown':
      return { kind: 'stranger', device: event.device, source: 'face', detail: { ...score(d), ...strings(d, ['camera']) } };
    default:
      return null;
  }
}

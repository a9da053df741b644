/**
 * What the monitoring center reads off the township broker, typed. The checks are the structural ones
 * the console relies on (fields and their types), not the full JSON Schemas: a console must show what a
 * slightly-off gateway sends rather than hide it, and counts what it cannot read.
 */
import type { Envelope } from '../../../gateway/kernel/envelope.js';
import { PRIO_BY_SEVERITY, SEVERITIES, type Severity } from '../../../gateway/kernel/severity.js';
import { parseUplinkTopic } from '../../../gateway/kernel/topics.js';

export { SEVERITIES, type Severity };
/** 0 = critical … 3 = info, the contract's drain order. */
export const SEVERITY_RANK = PRIO_BY_SEVERITY;

/** The kernel's envelope, except that a console shows a category it does not know rather than hide it. */
export type EventEnvelope = Omit<Envelope, 'category'> & { category: string };

export type StatusPayload =
  | { online: true; ts: string; version: string; bootId: string; backlog: number }
  | { online: false; ts: string; reason: 'lwt' | 'shutdown' };

/** A gateway's answer to a command (contract: `replies/{id}`). */
export interface ReplyPayload {
  id: string;
  status: 'accepted' | 'rejected' | 'done' | 'failed';
  ts: string;
  error?: { code: string; message: string };
}

const REPLY_STATUSES: readonly string[] = ['accepted', 'rejected', 'done', 'failed'];

/** The parts of `metrics` the console shows. */
export interface MetricsPayload {
  ts: string;
  backlog: { depth: number; oldestAgeSec: number | null };
}

interface Where {
  township: string;
  gateway: string;
}

export type UplinkMessage =
  | (Where & { kind: 'event'; event: EventEnvelope })
  | (Where & { kind: 'status'; status: StatusPayload })
  | (Where & { kind: 'metrics'; metrics: MetricsPayload })
  | (Where & { kind: 'reply'; reply: ReplyPayload });

export type Parsed = { ok: true; message: UplinkMessage | null } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Obj, k: string): boolean => typeof o[k] === 'string';

function envelope(p: Obj, gateway: string, category: string): string | null {
  for (const k of ['id', 'ts', 'gateway', 'device', 'category', 'type']) if (!str(p, k)) return `event field "${k}" is not a string`;
  if (!Number.isSafeInteger(p.seq) || (p.seq as number) < 1) return 'event seq is not a positive integer';
  if (!SEVERITIES.includes(p.severity as Severity)) return `event severity "${String(p.severity)}" is unknown`;
  if (!isObj(p.data)) return 'event data is not an object';
  if (p.gateway !== gateway) return `event gateway "${String(p.gateway)}" differs from its topic's "${gateway}"`;
  if (p.category !== category) return `event category "${String(p.category)}" differs from its topic's "${category}"`;
  return null;
}

/**
 * Reads one township message. Topics the console does not use (device state, snapshots) give
 * `message: null`; unreadable payloads give the reason.
 */
export function parseUplink(topic: string, payload: Buffer): Parsed {
  const t = parseUplinkTopic(topic);
  if (!t) return { ok: false, reason: `not a contract uplink topic: ${topic}` };
  if (t.kind !== 'event' && t.kind !== 'status' && t.kind !== 'metrics' && t.kind !== 'reply') return { ok: true, message: null };
  let p: unknown;
  try {
    p = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: `${t.kind} payload is not JSON` };
  }
  if (!isObj(p)) return { ok: false, reason: `${t.kind} payload is not a JSON object` };
  const where = { township: t.township, gateway: t.gateway };
  switch (t.kind) {
    case 'event': {
      const problem = envelope(p, t.gateway, t.category);
      return problem ? { ok: false, reason: problem } : { ok: true, message: { ...where, kind: 'event', event: p as unknown as EventEnvelope } };
    }
    case 'status':
      if (typeof p.online !== 'boolean' || !str(p, 'ts')) return { ok: false, reason: 'status needs "online" and "ts"' };
      return { ok: true, message: { ...where, kind: 'status', status: p as unknown as StatusPayload } };
    case 'reply': {
      if (!str(p, 'id') || !str(p, 'ts') || !REPLY_STATUSES.includes(p.status as string)) return { ok: false, reason: 'reply needs "id", "ts" and a known "status"' };
      if (p.id !== t.commandId) return { ok: false, reason: `reply id "${String(p.id)}" differs from its topic's "${t.commandId}"` };
      const e = isObj(p.error) && str(p.error, 'code') ? { error: { code: p.error.code as string, message: String(p.error.message ?? '') } } : {};
      return { ok: true, message: { ...where, kind: 'reply', reply: { id: p.id as string, status: p.status as ReplyPayload['status'], ts: p.ts as string, ...e } } };
    }
    case 'metrics': {
      const b = p.backlog;
      if (!str(p, 'ts') || !isObj(b) || typeof b.depth !== 'number') return { ok: false, reason: 'metrics needs "ts" and "backlog.depth"' };
      return { ok: true, message: { ...where, kind: 'metrics', metrics: { ts: p.ts as string, backlog: { depth: b.depth, oldestAgeSec: typeof b.oldestAgeSec === 'number' ? b.oldestAgeSec : null } } } };
    }
  }
}

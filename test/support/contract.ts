/**
 * Validates uplink messages against the township contract: the JSON Schemas in docs/schemas and the
 * topic rules of the contract page. Tests feed it what the gateway really published.
 */
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

// Both packages are CommonJS with `exports.default`; under NodeNext the default import is module.exports.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export type UplinkKind = 'status' | 'event' | 'device-state' | 'metrics' | 'reply' | 'snapshot' | 'unknown';
export type UplinkResult = { ok: true; kind: UplinkKind } | { ok: false; kind: UplinkKind; errors: string };
export type CommandResult = { ok: true } | { ok: false; errors: string };

const SCHEMA_DIR = new URL('../../docs/schemas/', import.meta.url);
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort()) {
  ajv.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as object);
}
function schema(name: string): ValidateFunction {
  const validate = ajv.getSchema(`urn:vgw:schema:${name}`);
  if (!validate) throw new Error(`schema urn:vgw:schema:${name} not found in ${SCHEMA_DIR.pathname}`);
  return validate;
}
const validators = {
  status: schema('status'),
  event: schema('event'),
  'device-state': schema('device-state'),
  metrics: schema('metrics'),
  reply: schema('reply'),
  command: schema('command'),
  signedCommand: schema('signed-command'),
};

const TOWNSHIP = /^[a-z0-9-]{1,64}$/;
const GATEWAY = /^[a-z0-9-]{3,64}$/;
const DEVICE = /^[a-z0-9-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CATEGORIES = new Set(['alarm', 'access', 'door', 'broadcast', 'camera', 'device', 'patrol', 'system']);

interface ParsedTopic { kind: UplinkKind; township: string; gateway: string; key: string; problems: string[] }

function parseTopic(topic: string): ParsedTopic {
  const [root, version, township = '', gateway = '', a, b, c, ...rest] = topic.split('/');
  const t: ParsedTopic = { kind: 'unknown', township, gateway, key: b ?? '', problems: [] };
  if (root !== 'pingan' || version !== 'v1') return { ...t, problems: ['topic root is not pingan/v1'] };
  if (rest.length === 0 && c === undefined) {
    if (a === 'status' && b === undefined) t.kind = 'status';
    else if (a === 'metrics' && b === undefined) t.kind = 'metrics';
    else if (a === 'events' && b !== undefined) t.kind = 'event';
    else if (a === 'replies' && b !== undefined) t.kind = 'reply';
    else if (a === 'snapshots' && b !== undefined) t.kind = 'snapshot';
  } else if (rest.length === 0 && a === 'devices' && b !== undefined && c === 'state') t.kind = 'device-state';
  if (t.kind === 'unknown') return { ...t, problems: [`not an uplink topic of the contract: ${topic}`] };
  if (!TOWNSHIP.test(township)) t.problems.push(`township "${township}" is not ${TOWNSHIP}`);
  if (!GATEWAY.test(gateway) || gateway === 'all') t.problems.push(`gateway "${gateway}" is not ${GATEWAY} (or is reserved "all")`);
  if (t.kind === 'event' && !CATEGORIES.has(t.key)) t.problems.push(`unknown category "${t.key}" in topic`);
  if (t.kind === 'device-state' && !DEVICE.test(t.key)) t.problems.push(`device "${t.key}" is not ${DEVICE}`);
  if ((t.kind === 'reply' || t.kind === 'snapshot') && !UUID.test(t.key)) t.problems.push(`"${t.key}" in topic is not a lowercase UUID`);
  return t;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const p = e.params as { additionalProperty?: string; allowedValues?: unknown };
    const extra = e.keyword === 'additionalProperties' ? `: "${p.additionalProperty}"` : e.keyword === 'enum' ? ` ${JSON.stringify(p.allowedValues)}` : '';
    return `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${extra}`;
  });
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Cross-field rules JSON Schema cannot express; run only on schema-valid payloads. */
function semanticProblems(t: ParsedTopic, p: Obj): string[] {
  const out: string[] = [];
  if (t.kind === 'event') {
    if (p.category !== t.key) out.push(`payload category "${String(p.category)}" != topic category "${t.key}"`);
    if (p.gateway !== t.gateway) out.push(`payload gateway "${String(p.gateway)}" != topic gateway "${t.gateway}"`);
    const data = p.data as Obj;
    const snap = data.snapshot;
    const want = `pingan/v1/${t.township}/${t.gateway}/snapshots/${String(p.id)}`;
    if (isObj(snap) && snap.topic !== want) out.push(`data.snapshot.topic "${String(snap.topic)}" != "${want}"`);
    if (p.type === 'system.outbox.evicted') {
      const ranges = data.ranges as [number, number][];
      for (const [from, to] of ranges) if (from > to) out.push(`data.ranges: [${from},${to}] has from > to`);
      const sum = Object.values(data.bySeverity as Obj).reduce<number>((s, n) => s + (n as number), 0);
      if (sum !== data.count) out.push(`data.bySeverity sums to ${sum}, data.count is ${String(data.count)}`);
    }
  }
  if (t.kind === 'reply' && p.id !== t.key) out.push(`payload id "${String(p.id)}" != topic id "${t.key}"`);
  if (t.kind === 'metrics') {
    const d = p.devices as { online: number; total: number };
    if (d.online > d.total) out.push(`devices.online ${d.online} > devices.total ${d.total}`);
  }
  return out;
}

function decodeJson(payload: Buffer | string): { value: unknown } | { error: string } {
  try {
    const text = typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `payload is not UTF-8 JSON: ${(err as Error).message}` };
  }
}

export function validateUplink(topic: string, payload: Buffer | string): UplinkResult {
  const t = parseTopic(topic);
  const fail = (problems: string[]): UplinkResult => ({ ok: false, kind: t.kind, errors: problems.join('\n') });
  if (t.kind === 'unknown') return fail(t.problems);
  if (t.kind === 'snapshot') {
    const empty = payload.length === 0;
    return t.problems.length || empty ? fail([...t.problems, ...(empty ? ['snapshot payload is empty'] : [])]) : { ok: true, kind: t.kind };
  }
  const decoded = decodeJson(payload);
  if ('error' in decoded) return fail([...t.problems, decoded.error]);
  const validate = validators[t.kind];
  const problems = [...t.problems];
  if (!validate(decoded.value)) problems.push(...formatErrors(validate.errors));
  else problems.push(...semanticProblems(t, decoded.value as Obj));
  return problems.length ? fail(problems) : { ok: true, kind: t.kind };
}

export function assertUplinkValid(topic: string, payload: Buffer | string): void {
  const result = validateUplink(topic, payload);
  if (!result.ok) {
    const shown = typeof payload === 'string' ? payload : payload.toString('utf8');
    throw new Error(`uplink ${result.kind} on ${topic} breaks the contract:\n  ${result.errors.split('\n').join('\n  ')}\npayload: ${shown.slice(0, 500)}`);
  }
}

/** The inner command JSON (already parsed), see docs/schemas/command.json. */
export function validateCommand(obj: unknown): CommandResult {
  return validators.command(obj) ? { ok: true } : { ok: false, errors: formatErrors(validators.command.errors).join('\n') };
}

/** A cmd-topic payload: the {cmd,kid,sig} envelope, and the command inside it. */
export function validateSignedCommand(obj: unknown): CommandResult {
  if (!validators.signedCommand(obj)) return { ok: false, errors: formatErrors(validators.signedCommand.errors).join('\n') };
  const inner = decodeJson((obj as { cmd: string }).cmd);
  return 'error' in inner ? { ok: false, errors: `cmd: ${inner.error}` } : validateCommand(inner.value);
}

/** The `$defs` of docs/schemas/event.json giving the data of each event type the gateway's door kinds (door, uhppote-door) send. */
const DOOR_DATA: Readonly<Record<string, string>> = {
  'door.unlocked': 'doorUnlocked',
  'door.locked': 'doorLocked',
  'door.opened': 'doorOpened',
  'door.closed': 'doorClosed',
  'door.forced': 'doorForced',
  'door.held_open': 'doorHeldOpen',
  'door.held_open.cleared': 'doorHeldOpenCleared',
  'door.tailgating': 'doorTailgating',
};

/**
 * What is wrong with the data of a door event from one of the gateway's own door kinds (the envelope
 * schema leaves door.* free-form, as a device on the local broker may send its own); [] when it fits.
 */
export function doorDataProblems(type: string, data: unknown): string[] {
  const def = DOOR_DATA[type];
  if (!def) return [`${type} is not a door event type of the gateway's door kinds`];
  const validate = schema(`event#/$defs/${def}`);
  return validate(data) ? [] : formatErrors(validate.errors).map((e) => `${type}: ${e}`);
}

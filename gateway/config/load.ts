/**
 * Reads the YAML config and validates it once. Every problem names the key path, the bad value and
 * the fix; the gateway refuses to start on any of them.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { GatewayError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new GatewayError('VGW_CONFIG_UNREADABLE', `cannot read config file "${file}": ${(err as Error).message}; create one with \`vgw init\``, false, { cause: err });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new GatewayError('VGW_CONFIG_INVALID', `config file "${file}" is not valid YAML:\n${doc.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return parseConfig(doc.toJS(), file);
}

export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, raw)}`);
    throw new GatewayError('VGW_CONFIG_INVALID', `${source} has ${lines.length} problem${lines.length > 1 ? 's' : ''}; the gateway will not start until ${lines.length > 1 ? 'they are' : 'it is'} fixed:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}

function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '') || '(top level)';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  // A whole entry shown (e.g. a device with a bad driver) must not show the secrets inside it either.
  const text = JSON.stringify(value, (k, v: unknown) => (SECRET_KEYS.has(k.toLowerCase()) ? '(hidden)' : v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Keys whose values are secrets (or may hold one by mistake): their values are never printed. */
const SECRET_KEYS = new Set(['passwordhash', 'password', 'secret', 'pin', 'card']);

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return `${keyPath(path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against \`vgw init\`'s template or remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
  }
  const value = valueAt(raw, path);
  const last = path.at(-1);
  // A plain password pasted into `passwordHash` must not end up in a terminal or a log (issue 8, #14c).
  const secret = typeof last === 'string' && SECRET_KEYS.has(last.toLowerCase()) && value !== undefined;
  const fix = issue.code === 'invalid_value' ? `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` : issue.message;
  return `${keyPath(path)} is ${secret ? '(hidden)' : show(value)}: ${value === undefined && issue.code === 'invalid_type' ? `required (${issue.expected})` : fix}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

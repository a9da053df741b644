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

/** Keys whose values are secrets or hashes of them: a config error names the key, never the value (issue 8). */
const SECRET_KEYS: ReadonlySet<PropertyKey> = new Set(['passwordHash']);

function show(value: unknown, key?: PropertyKey): string {
  if (value === undefined) return 'missing';
  if (key !== undefined && SECRET_KEYS.has(key)) return '(value not shown: it is a secret)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return `${keyPath(path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against \`vgw init\`'s template or remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
  }
  const value = valueAt(raw, path);
  const fix = issue.code === 'invalid_value' ? `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` : issue.message;
  return `${keyPath(path)} is ${show(value, path.at(-1))}: ${value === undefined && issue.code === 'invalid_type' ? `required (${issue.expected})` : fix}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads the YAML config and validates it once. Every problem names the key path, the bad value and
 * the fix; the gateway refuses to start on any of them.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { GatewayError } from '../kernel/errors.js';
import type { AnyDriverModule } from '../../device-drivers/module.js';
import { buildConfigSchema, configSchema, type Config } from './schema.js';
import { allowedKeys, closest } from './suggest.js';

/** Reads and validates `file`; `modules`: the driver kinds to accept (default: the registry's). */
export function loadConfigFile(file: string, modules?: readonly AnyDriverModule[]): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new GatewayError('VGW_CONFIG_UNREADABLE', `cannot read config file "${file}": ${(err as Error).message}; check the path given with --config (README.md has an example config)`, false, { cause: err });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new GatewayError('VGW_CONFIG_INVALID', `config file "${file}" is not valid YAML:\n${doc.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return parseConfig(doc.toJS(), file, modules);
}

/** Validates `raw`; `modules`: the driver kinds to accept (default: the registry's). */
export function parseConfig(raw: unknown, source = 'config', modules?: readonly AnyDriverModule[]): Config {
  const result = (modules ? buildConfigSchema(modules) : configSchema).safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, raw)}`);
    throw new GatewayError('VGW_CONFIG_INVALID', `${source} has ${lines.length} problem${lines.length > 1 ? 's' : ''}; the gateway will not start until ${lines.length > 1 ? 'they are' : 'it is'} fixed:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}

/** `devices[2] (id "pir-market").pin`: devices are named by their id as well as their place in the list. */
function keyPath(path: readonly PropertyKey[], raw: unknown): string {
  let text = '';
  path.forEach((p, i) => {
    if (typeof p !== 'number') text = text ? `${text}.${String(p)}` : String(p);
    else {
      text += `[${p}]`;
      const id = i === 1 && path[0] === 'devices' ? valueAt(raw, [...path.slice(0, 2), 'id']) : undefined;
      if (typeof id === 'string') text += ` (id ${JSON.stringify(id)})`;
    }
  });
  return text || '(top level)';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  // A whole entry shown (e.g. a device with a bad driver) must not show the secrets inside it either.
  const text = JSON.stringify(value, (k, v: unknown) => (SECRET_KEYS.has(k.toLowerCase()) ? '(hidden)' : v))
    // Nor the password of a URL written with one (http://admin:pw@camera, mqtt://user:pw@host).
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^/@\s":]*:)[^/@\s"]*@/gi, '$1(hidden)@');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Keys whose values are secrets (or may hold one by mistake): their values are never printed. Not `pin`:
 * that is a GPIO pin number here; credentials of the coming door work get keys of their own.
 */
const SECRET_KEYS = new Set(['passwordhash', 'password', 'secret', 'token', 'card', 'cardnumber', 'pincode']);

/** What YAML made of a value, in an installer's words. */
function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map of keys';
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = { number: 'a number', string: 'text', boolean: 'true or false', array: 'a list ("- item" lines)', object: 'a map of keys ("key: value" lines)' };

/** zod's own texts ("Too big: expected number to be <=65535") are replaced; messages the schema wrote itself are kept. */
const isZodDefault = (message: string): boolean => /^(Invalid|Too (big|small)|Unrecognized)/.test(message);

function unknownKeys(issue: z.core.$ZodIssueUnrecognizedKeys, raw: unknown): string {
  const allowed = allowedKeys(configSchema, issue.path as PropertyKey[], raw) ?? [];
  const each = issue.keys.map((k) => {
    const near = closest(k, allowed);
    return `"${k}"${near ? ` (did you mean "${near}"?)` : ''}`;
  });
  const list = allowed.length > 0 ? `; keys allowed here: ${allowed.join(', ')}` : '';
  return `${keyPath(issue.path as PropertyKey[], raw)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${each.join(', ')}; fix the spelling or remove ${issue.keys.length > 1 ? 'them' : 'it'}${list}`;
}

function fixFor(issue: z.core.$ZodIssue, value: unknown): string {
  const custom = isZodDefault(issue.message) ? null : issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (value === undefined) return `required (${expected})`;
      const unquote = issue.expected === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? '; write it without quotes' : '';
      return `expected ${expected}, not ${kindOf(value)}${unquote}`;
    }
    case 'too_big':
    case 'too_small': {
      if (custom) return custom;
      const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const word = issue.code === 'too_big' ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'more than';
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' entries' : '';
      return `must be ${word} ${String(limit)}${unit}`;
    }
    case 'invalid_value':
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options ?? issue.errors.flat().flatMap((e) => (e.code === 'invalid_value' ? e.values : []));
      if (options.length === 0) return custom ?? 'not one of the forms this key takes; see the README config example';
      const near = typeof value === 'string' ? closest(value, options.map(String)) : null;
      return `${value === undefined ? 'required, ' : ''}use one of ${options.map((v) => JSON.stringify(v)).join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`;
    }
    case 'invalid_format':
      return custom ?? `not in the expected format (${issue.format === 'regex' ? `must match ${String((issue as { pattern?: unknown }).pattern)}` : issue.format})`;
    default:
      return custom ?? issue.message;
  }
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === 'unrecognized_keys') return unknownKeys(issue, raw);
  const path = issue.path as PropertyKey[];
  const value = valueAt(raw, path);
  const last = path.at(-1);
  // A plain password pasted into `passwordHash` must not end up in a terminal or a log (issue 8, #14c).
  const secret = typeof last === 'string' && SECRET_KEYS.has(last.toLowerCase()) && value !== undefined;
  return `${keyPath(path, raw)} is ${secret ? '(hidden)' : show(value)}: ${fixFor(issue, value)}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

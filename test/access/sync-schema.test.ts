/**
 * The `access.sync` payload's JSON Schema (docs/schemas/access-sync.json) is the one the gateway
 * validates with: generated from its zod schema, and both accept and refuse the same examples; the
 * access events' data shape is in the contract (event.json), so a clear credential breaks it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { syncParamsSchema } from '../../gateway/access/sync-payload.js';
import { validateUplink } from '../support/contract.js';
import { buildSyncJsonSchema, SYNC_SCHEMA_FILE } from './support/sync-json-schema.js';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

const resident = { id: 'p-0001', kind: 'resident', lists: ['elderly-alone'], doors: ['east-gate', 'group:gates'], windows: [{ days: [1, 2, 3, 4, 5], from: '06:00', to: '22:00' }], credentials: [{ method: 'card', value: '6154410' }, { method: 'pin', value: '804217' }] };
const visitor = { id: 'v-77', kind: 'visitor', host: 'p-0001', doors: ['east-gate'], validTo: '2026-12-02T18:00:00+08:00', credentials: [{ method: 'qr', value: 'VIS-QR-7731' }] };
const good: [string, unknown][] = [
  ['a full list', { mode: 'full', version: 3, groups: [{ name: 'gates', doors: ['east-gate', 'west-gate'] }], persons: [resident, visitor] }],
  ['an empty full list', { mode: 'full', version: 1, persons: [] }],
  ['a delta', { mode: 'delta', baseVersion: 3, version: 4, persons: [visitor], remove: ['p-0002'] }],
  ['a watch-listed person without doors', { mode: 'full', version: 2, persons: [{ id: 'w-1', kind: 'resident', watchListed: true, credentials: [{ method: 'card', value: '1' }] }] }],
];
const bad: [string, unknown][] = [
  ['no mode', { version: 1, persons: [] }],
  ['an unknown mode', { mode: 'merge', version: 1, persons: [] }],
  ['a full list without persons', { mode: 'full', version: 1 }],
  ['a delta without baseVersion', { mode: 'delta', version: 2 }],
  ['an unknown person field', { mode: 'full', version: 1, persons: [{ ...resident, name: '张三' }] }],
  ['an unknown kind', { mode: 'full', version: 1, persons: [{ ...resident, kind: 'guest' }] }],
  ['a face credential (terminals match by person id)', { mode: 'full', version: 1, persons: [{ ...resident, credentials: [{ method: 'face', value: 'x' }] }] }],
  ['nine credentials', { mode: 'full', version: 1, persons: [{ ...resident, credentials: Array.from({ length: 9 }, (_, i) => ({ method: 'card', value: String(100 + i) })) }] }],
  ['a window at 25:00', { mode: 'full', version: 1, persons: [{ ...resident, windows: [{ days: [1], from: '25:00', to: '06:00' }] }] }],
  ['weekday 0', { mode: 'full', version: 1, persons: [{ ...resident, windows: [{ days: [0], from: '06:00', to: '07:00' }] }] }],
  ['validTo without offset', { mode: 'full', version: 1, persons: [{ ...visitor, validTo: '2026-12-02T18:00' }] }],
  ['a door id in uppercase', { mode: 'full', version: 1, persons: [{ ...resident, doors: ['East'] }] }],
  ['50,001 persons', { mode: 'full', version: 1, persons: Array.from({ length: 50_001 }, (_, i) => ({ id: `p${i}`, kind: 'resident' })) }],
];

describe('access.sync JSON Schema', () => {
  it('is the file generated from the gateway\'s own schema', () => {
    const want = `${JSON.stringify(buildSyncJsonSchema(), null, 2)}\n`;
    if (process.env.VGW_WRITE_SCHEMAS === '1') writeFileSync(SYNC_SCHEMA_FILE, want);
    expect(readFileSync(SYNC_SCHEMA_FILE, 'utf8')).toBe(want);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SYNC_SCHEMA_FILE, 'utf8')) as object);

  it.each(good)('accepts %s (schema file and gateway alike)', (_name, payload) => {
    expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
    expect(syncParamsSchema.safeParse(payload).success).toBe(true);
  });
  it.each(bad)('refuses %s (schema file and gateway alike)', (_name, payload) => {
    expect(validate(payload)).toBe(false);
    expect(syncParamsSchema.safeParse(payload).success).toBe(false);
  });

  it('the gateway also refuses what JSON Schema cannot say, without echoing a credential value', () => {
    const pin = { mode: 'full', version: 1, persons: [{ ...resident, credentials: [{ method: 'pin', value: '12' }] }] };
    const noHost = { mode: 'full', version: 1, persons: [{ ...visitor, host: undefined }] };
    const r1 = syncParamsSchema.safeParse(pin);
    const r2 = syncParamsSchema.safeParse(noHost);
    expect(r1.success || r1.error.issues.map((i) => i.message).join()).toMatch(/a PIN is 4 to 8 digits/);
    expect(JSON.stringify(r1.error?.issues.map((i) => i.message))).not.toMatch(/"12"|\b12\b/);
    expect(r2.success || r2.error.issues.map((i) => i.message).join()).toMatch(/a visitor needs a host/);
  });
});

describe('access events in the contract (event.json)', () => {
  const topic = 'pingan/v1/370283104/370283104-xiejiayu-01/events/access';
  const envelope = (type: string, data: Record<string, unknown>, over: Record<string, unknown> = {}) =>
    JSON.stringify({ id: '0193c0de-7a1b-7c3e-9f00-5b2a1c9d4e11', seq: 7, ts: '2026-11-23T21:40:00.123+08:00', clock: 'synced', gateway: '370283104-xiejiayu-01', device: 'reader-east', category: 'access', type, severity: 'info', data, ...over });
  const credential = { method: 'card', hash: 'ab'.repeat(32), last2: '10' };
  it.each([
    ['a grant', envelope('access.granted', { door: 'east-gate', reader: 'reader-east', person: 'p-0001', credential, lists: ['elderly-alone'] })],
    ['a denial of an unknown card', envelope('access.denied', { door: 'east-gate', reader: 'reader-east', reason: 'unknown', credential })],
  ])('accepts %s', (_name, payload) => {
    expect(validateUplink(topic, payload)).toEqual({ ok: true, kind: 'event' });
  });
  it.each([
    ['a denial without a reason', envelope('access.denied', { door: 'east-gate', reader: 'reader-east', credential }), /reason/],
    ['an unknown reason', envelope('access.denied', { door: 'east-gate', reader: 'reader-east', reason: 'banned', credential }), /reason/],
    ['a card number in clear', envelope('access.granted', { door: 'east-gate', reader: 'reader-east', credential: { ...credential, value: '6154410' } }), /additional properties: "value"/],
    ['a hash that is not an HMAC-SHA256', envelope('access.granted', { door: 'east-gate', reader: 'reader-east', credential: { ...credential, hash: '6154410' } }), /hash/],
    ['an access decision in the door category', envelope('access.granted', { door: 'east-gate', reader: 'reader-east', credential }, { category: 'door' }), /category/],
  ])('refuses %s', (_name, payload, reason) => {
    const result = validateUplink(topic, payload);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors).toMatch(reason);
  });
});

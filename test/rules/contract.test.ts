/**
 * The AsyncAPI examples of the rule and patrol events are valid against the contract's event schema,
 * and the schema holds their data to its fields (a clear-text credential value does not pass).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateUplink } from '../support/contract.js';

interface Example { name: string; payload: Record<string, unknown> & { gateway: string; category: string; type: string; data: Record<string, unknown> } }
const doc = parse(readFileSync(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8')) as { components: { messages: { event: { examples: Example[] } } } };
const examples = doc.components.messages.event.examples.filter((e) => /^(person|patrol)\./.test(e.payload.type));
const topic = (p: Example['payload']) => `pingan/v1/370283104/${p.gateway}/events/${p.category}`;
const check = (p: Example['payload']) => validateUplink(topic(p), Buffer.from(JSON.stringify(p)));

describe('rule and patrol events in the contract', () => {
  it('has valid examples of person.absent and patrol.missed', () => {
    expect(examples.map((e) => e.payload.type)).toEqual(['person.absent', 'patrol.missed']);
    for (const e of examples) expect(check(e.payload), e.name).toEqual({ ok: true, kind: 'event' });
  });

  it('refuses data outside the documented fields, a wrong category and a credential value', () => {
    const absent = examples[0]!.payload;
    expect(check({ ...absent, category: 'alarm' }).ok).toBe(false);
    expect(check({ ...absent, data: { ...absent.data, channels: ['sms'] } }).ok).toBe(false);
    const stranger = { ...absent, device: 'reader-east-gate', type: 'person.stranger', data: { rule: 'stranger-night', source: 'credential', credential: { method: 'card', hash: '1f'.repeat(32), last2: '42' }, cause: { device: 'reader-east-gate', type: 'access.denied', id: absent.id, seq: 1 }, channels: ['popup'] } };
    expect(check(stranger)).toEqual({ ok: true, kind: 'event' });
    expect(check({ ...stranger, data: { ...stranger.data, credential: { method: 'card', value: '0004283642' } } }).ok).toBe(false);
  });
});

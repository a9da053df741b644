/**
 * The absence watch is bounded: past `personRules.maxWatchedPersons` new persons are not kept (in
 * memory or in SQLite), said once in the log, while those already watched go on being judged; and a
 * whole list falling due at once (days off) is raised 200 a look, not in one burst. The engine on a
 * real SQLite file, its events recorded as committed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../cloud-bridge/db.js';
import { personRulesSchema } from '../../gateway/person-rules/config.js';
import { PersonRules } from '../../gateway/person-rules/engine.js';
import { SightingStore } from '../../gateway/person-rules/store.js';
import type { EventDraft } from '../../gateway/pipeline.js';
import { LogSink } from '../support/gateway-fixture.js';
import { at, handClock, HOUR } from './support.js';

describe('absence watch bound', () => {
  it('keeps at most maxWatchedPersons and still reports those it keeps', async () => {
    const db = openDb(mkdtempSync(join(tmpdir(), 'vgw-rules-bound-')));
    const clock = handClock(at(25, 8));
    const logs = new LogSink();
    const events: EventDraft[] = [];
    let seq = 0;
    const config = personRulesSchema.parse({ checkEverySec: 3600, maxWatchedPersons: 3, rules: [{ name: 'welfare', trigger: 'absent', lists: ['elderly-alone'], hours: 24 }] });
    const rules = new PersonRules({ config, gatewayId: '370283104-bound-01', store: new SightingStore(db), emit: async (e) => (events.push(e), { id: `id-${++seq}`, seq }), clock, log: pino({ level: 'debug' }, logs) });
    rules.start();
    for (let i = 1; i <= 6; i++) {
      const event = { device: 'reader-1', category: 'access' as const, type: 'access.granted', severity: 'info' as const, data: { person: `e-${i}`, lists: ['elderly-alone'] } };
      rules.observe(event, Promise.resolve({ id: `cause-${i}`, seq: i }));
    }
    await rules.stop(); // waits for the sightings being judged
    expect((db.prepare('SELECT person FROM person_seen ORDER BY person').all() as { person: string }[]).map((r) => r.person)).toEqual(['e-1', 'e-2', 'e-3']);
    expect(logs.lines.filter((l) => l.msg === 'too many persons watched for absence; new ones are not tracked')).toHaveLength(1);
    clock.advance(25 * HOUR);
    rules.evaluate();
    await rules.stop();
    expect(events.map((e) => [e.type, e.data.person])).toEqual([['person.absent', 'e-1'], ['person.absent', 'e-2'], ['person.absent', 'e-3']]);
    db.close();
  });

  it('raises at most 200 absences a look; the rest at the next looks, each once', async () => {
    const db = openDb(mkdtempSync(join(tmpdir(), 'vgw-rules-bound-')));
    const clock = handClock(at(25, 8));
    const events: EventDraft[] = [];
    let seq = 0;
    const config = personRulesSchema.parse({ checkEverySec: 3600, rules: [{ name: 'welfare', trigger: 'absent', lists: ['resident'], hours: 24 }] });
    const rules = new PersonRules({ config, gatewayId: '370283104-bound-01', store: new SightingStore(db), emit: async (e) => (events.push(e), { id: `id-${++seq}`, seq }), clock, log: pino({ level: 'silent' }) });
    rules.start();
    for (let i = 0; i < 250; i++) rules.observe({ device: 'reader-1', category: 'access', type: 'access.granted', severity: 'info', data: { person: `r-${i}`, lists: ['resident'] } }, Promise.resolve({ id: `cause-${i}`, seq: i }));
    await rules.stop();
    clock.advance(4 * 24 * HOUR);
    const counts: number[] = [];
    for (let look = 0; look < 3; look++) {
      rules.evaluate();
      await rules.stop();
      counts.push(events.length);
    }
    expect(counts).toEqual([200, 250, 250]);
    expect(new Set(events.map((e) => e.data.person)).size).toBe(250);
    expect((db.prepare('SELECT count(*) AS n FROM person_absence_alerts').get() as { n: number }).n).toBe(250);
    db.close();
  });
});

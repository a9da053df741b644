/**
 * Until NTP has synced (a Pi has no RTC and may boot at its last shutdown time), no patrol run is
 * started or judged late and no absence is reported: a wrong clock must not raise `patrol.missed` or
 * `person.absent`. Once synced, both go on from the stored state. The engines on a real SQLite file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../cloud-bridge/db.js';
import { patrolSchema } from '../../gateway/patrol/config.js';
import { Patrol } from '../../gateway/patrol/patrol.js';
import { PatrolStore } from '../../gateway/patrol/store.js';
import { personRulesSchema } from '../../gateway/person-rules/config.js';
import { PersonRules } from '../../gateway/person-rules/engine.js';
import { SightingStore } from '../../gateway/person-rules/store.js';
import type { EventDraft } from '../../gateway/pipeline.js';
import { at, HOUR } from './support.js';

const clock = { t: at(23, 21, 0), synced: false, now: () => clock.t };
const syncClock = { now: () => clock.t, synced: () => clock.synced };
const recorder = () => {
  const events: EventDraft[] = [];
  let seq = 0;
  return { events, emit: async (e: EventDraft) => (events.push(e), { id: `id-${++seq}`, seq }) };
};
const silent = pino({ level: 'silent' });

describe('with the clock not yet synced', () => {
  it('starts no patrol run and misses no checkpoint; once synced, the run due is begun', async () => {
    const db = openDb(mkdtempSync(join(tmpdir(), 'vgw-rules-unsynced-')));
    const rec = recorder();
    const config = patrolSchema.parse({ checkpoints: [{ name: 'gate', device: 'reader-1' }], routes: [{ name: 'night', starts: ['22:00'], checkpoints: [{ checkpoint: 'gate', withinMin: 10 }] }] });
    const patrol = new Patrol({ config, gatewayId: '370283104-unsynced-01', store: new PatrolStore(db), emit: rec.emit, clock: syncClock, log: silent });
    await patrol.start();
    clock.t = at(23, 22, 5);
    await patrol.evaluate();
    clock.t = at(23, 22, 30); // past the deadline too
    await patrol.evaluate();
    expect(rec.events).toEqual([]);
    clock.synced = true;
    clock.t = at(23, 22, 6); // NTP says it is really 22:06
    await patrol.evaluate();
    expect(rec.events.map((e) => e.type)).toEqual(['patrol.started']);
    await patrol.stop();
    db.close();
  });

  it('reports no absence; once synced, the absence due is reported', async () => {
    clock.synced = false;
    clock.t = at(25, 8, 0);
    const db = openDb(mkdtempSync(join(tmpdir(), 'vgw-rules-unsynced-')));
    const rec = recorder();
    const config = personRulesSchema.parse({ rules: [{ name: 'welfare', trigger: 'absent', lists: ['elderly-alone'], hours: 24 }] });
    const rules = new PersonRules({ config, gatewayId: '370283104-unsynced-01', store: new SightingStore(db), emit: rec.emit, clock: syncClock, log: silent });
    rules.start();
    rules.observe({ device: 'reader-1', category: 'access', type: 'access.granted', severity: 'info', data: { person: 'e-wang', lists: ['elderly-alone'] } }, Promise.resolve({ id: 'c-1', seq: 1 }));
    clock.t += 30 * HOUR;
    rules.evaluate();
    await rules.stop();
    expect(rec.events).toEqual([]);
    clock.synced = true;
    rules.evaluate();
    await rules.stop();
    expect(rec.events.map((e) => [e.type, e.data.person])).toEqual([['person.absent', 'e-wang']]);
    db.close();
  });
});

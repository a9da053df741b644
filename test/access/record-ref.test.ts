/**
 * `access.record` with a device's event ref (a UHPPOTE controller's event index, issue 10): the record
 * commits in its event's own transaction, so the same controller event recorded again — read a second
 * time after a kill -9 between its commit and the driver's cursor — is neither a second event nor a
 * second record; and an event the outbox refuses still leaves its record, as every decision does.
 * Real SQLite file, the service as create-gateway.ts builds it, an emit that commits `alongside` in a
 * transaction of its own.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../cloud-bridge/db.js';
import type { AccessRequest } from '../../device-drivers/access.js';
import { accessSchema } from '../../gateway/access/config.js';
import { AccessSecret } from '../../gateway/access/secret.js';
import { AccessService } from '../../gateway/access/service.js';

function service(refuse: () => boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-access-ref-'));
  const db = openDb(dir);
  const emitted: string[] = [];
  const access = new AccessService({
    db,
    secret: AccessSecret.load(join(dir, 'access-secret')),
    config: accessSchema.parse({}),
    clock: { now: () => Date.now(), synced: () => true },
    // Like the outbox: the event and what goes alongside commit in one transaction, or neither.
    emit: async (_device, type, _data, alongside) => {
      if (refuse()) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      db.transaction(() => {
        alongside?.();
        emitted.push(type);
      })();
    },
    log: pino({ level: 'silent' }),
  });
  const records = () => db.prepare('SELECT COUNT(*) FROM access_records').pluck().get() as number;
  return { access, emitted, records };
}

const swipe = (ref: string): AccessRequest => ({ door: 'gate-east', reader: 'ctl-east', credential: { method: 'card', value: '7777777' }, direction: 'in', ref });

describe('access.record with a device event ref', () => {
  it('the same ref twice is one event and one record; another ref is recorded', async () => {
    const s = service(() => false);
    const first = await s.access.record(swipe('423187757:41:2026-12-01T21:00:00.000+08:00'), false, 'unknown');
    const again = await s.access.record(swipe('423187757:41:2026-12-01T21:00:00.000+08:00'), false, 'unknown');
    await s.access.record(swipe('423187757:42:2026-12-01T21:00:05.000+08:00'), false, 'unknown');
    expect(again).toEqual(first);
    expect(s.emitted).toEqual(['access.denied', 'access.denied']);
    expect(s.records()).toBe(2);
  });

  it('an event the outbox refuses still leaves its record, once', async () => {
    let full = true;
    const s = service(() => full);
    await s.access.record(swipe('423187757:7:'), false, 'unknown');
    expect([s.emitted.length, s.records()]).toEqual([0, 1]);
    full = false;
    await s.access.record(swipe('423187757:7:'), false, 'unknown');
    expect([s.emitted.length, s.records()]).toEqual([0, 1]);
  });
});

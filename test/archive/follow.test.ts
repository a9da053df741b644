/**
 * `vgw events query --follow` (issue 16): after the matches, every new matching event is printed once as
 * it is archived — also one archived late (its gateway's backlog, an old `ts`), one whose arrival stamp
 * is already a few seconds old when it becomes visible (an archiver's commit lag, another host's clock),
 * and a burst larger than one page; a redelivered event and events outside the filter are not printed.
 * On both engines (store API), and the CLI as the README shows it on a SQLite file, stopped by Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isoLocal } from '../../gateway/kernel/clock.js';
import { SqliteArchiveStore } from '../../provisioning/township/archive/sqlite-store.js';
import type { ArchivedEvent, IncomingEvent } from '../../provisioning/township/archive/store.js';
import { followEvents } from '../../provisioning/township/commands/events-follow.js';
import type { EventEnvelope } from '../../provisioning/township/monitor/uplink-message.js';
import { envelope, TOWNSHIP } from '../monitor/envelopes.js';
import { ROOT } from '../support/vgw-cli.js';
import { archiveEngines } from './engines.js';
import { until } from '../support/wait.js';

const A = '370283104-follow-01';
const B = '370283104-follow-02';
const incoming = (event: EventEnvelope, receivedAt = Date.now()): IncomingEvent => ({ township: TOWNSHIP, event, receivedAt });

describe.each(archiveEngines())('events follow: $name', ({ open, skip }) => {
  it.skipIf(skip)('prints each new matching event once, late and lagging ones too, until stopped', async () => {
    const store = await open();
    const old = envelope(A, 1, { category: 'alarm', type: 'panic.pressed', severity: 'critical' });
    await store.store([incoming(old, Date.now() - 60_000)]);
    const printed: ArchivedEvent[] = [];
    let stop: () => void = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const q = { gateways: [A], limit: 100 };
    const following = followEvents([store], q, (a) => printed.push(a), { fromMs: Date.now(), printed: [old.id], pollMs: 100, stop: stopped });

    const live = envelope(A, 2);
    const backlog = envelope(A, 3, { ts: isoLocal(Date.now() - 3 * 3600_000) });
    const other = envelope(B, 1);
    await store.store([incoming(live), incoming(backlog), incoming(other)]);
    // Arrived 5 s ago by its archiver's clock, visible only now.
    const lagging = envelope(A, 4);
    await store.store([incoming(lagging, Date.now() - 5000)]);
    await until('the live, backlog and lagging events', () => printed.length >= 3);
    // A redelivery of a printed event, and a burst of more than a page (1000) of one gateway.
    await store.store([incoming(live)]);
    const burst = Array.from({ length: 1500 }, (_, i) => envelope(A, 10 + i));
    const at = Date.now();
    await store.store(burst.map((e, i) => incoming(e, at + Math.floor(i / 3))));
    await until('the burst', () => printed.length >= 3 + burst.length);
    await new Promise((r) => setTimeout(r, 400)); // a few more polls: nothing more may come
    stop();
    await following;

    const ids = printed.map((a) => a.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 3).sort()).toEqual([live.id, backlog.id, lagging.id].sort());
    expect(ids.length).toBe(3 + burst.length);
    expect(ids).not.toContain(other.id);
    expect(ids).not.toContain(old.id);
    // The burst in its order of arrival.
    expect(printed.slice(3).map((a) => a.event.seq)).toEqual(burst.map((e) => e.seq));
    await store.close();
  }, 60_000);
});

describe('vgw events query --follow (CLI, SQLite)', () => {
  it('prints the matches, then new ones as they are archived, and ends on Ctrl-C', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vgw-follow-')), 'township.db');
    const store = SqliteArchiveStore.open(file);
    const first = envelope(A, 1, { category: 'alarm', type: 'panic.pressed', severity: 'critical', data: { zone: '东门' } });
    await store.store([incoming(first)]);
    // As the README shows it.
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts'), 'events', 'query', '--archive', file, '--severity', 'major', '--follow'], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until('the first match and the follow notice', () => /panic\.pressed/.test(out) && /following/.test(err));
    const forced = envelope(A, 2, { category: 'door', type: 'door.forced', severity: 'major' });
    await store.store([incoming(envelope(A, 3)), incoming(forced)]);
    await until('the new major event', () => /door\.forced/.test(out));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3); // the first match, its count, the followed one
    expect(lines[2]).toMatch(/major\s+370283104-follow-01\s+door-east\s+door\.forced\s+#2/);
    expect(out).not.toMatch(/door\.opened/);
    await store.close();
  }, 60_000);
});

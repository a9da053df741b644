/**
 * Issue 8 A, the merge regression of test/hardening/disk-full.test.ts: between two statfs samples the
 * outbox judged free space by the last sample, which counted SQLite's free pages as room. Rows written
 * after the sample take those pages, so the estimate stayed above outbox.minFreeBytes while the real
 * room went below it, and the file grew past the floor unseen until the next sample (a 20 MB disk
 * filled before eviction caught up). Here, on a real tmpfs and a real WAL database, rows reuse the
 * free pages after a sample: the estimate must fall with them and call the disk low.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskSpace } from '../../cloud-bridge/disk-space.js';
import { smallFilesystem, unmount } from '../support/small-fs.js';

const KiB = 1024;
const MOUNT = mkdtempSync(join(tmpdir(), 'vgw-disk-estimate-'));
const mounted = smallFilesystem(MOUNT, 'DISK-SPACE ESTIMATE TEST');

describe.runIf(mounted)('the free-space estimate between samples (20 MB tmpfs)', () => {
  afterAll(() => {
    unmount(MOUNT);
    rmSync(MOUNT, { recursive: true, force: true });
  });

  it('rows written after a sample into free pages lower the estimate, so the floor is seen before the next sample', () => {
    const db = new Database(join(MOUNT, 'gateway.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO rows (payload) VALUES (?)');
    const row = Buffer.alloc(2000, 7);
    const put = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(row);
    });
    // 2 MB of rows, deleted: their pages stay in the file as free pages (no auto_vacuum here).
    put(1000);
    db.exec('DELETE FROM rows');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const reusable = () => (db.pragma('freelist_count', { simple: true }) as number) * pageSize;
    const realUsable = () => {
      const s = statfsSync(MOUNT);
      return s.bavail * s.bsize + reusable();
    };
    expect(reusable(), 'free pages left by the deleted rows').toBeGreaterThan(1500 * KiB);

    // The floor 300 KiB under what the sample sees: not low at the sample.
    const atSample = realUsable();
    const disk = new DiskSpace(MOUNT, { minFreeBytes: atSample - 300 * KiB, reserveBytes: 0 }, pino({ level: 'silent' }));
    disk.reusable = reusable;
    const t0 = Date.now();
    expect(disk.low(t0, true), 'low at the sample').toBe(false);

    // 400 rows of 2 kB (under the 1 MiB that forces a new sample) into the free pages, as the outbox notes them.
    const written = 400 * row.length;
    put(400);
    disk.noteWritten(written);
    const real = realUsable();
    expect(real, 'the real room is below the floor now').toBeLessThan(disk.limits.minFreeBytes);

    // Same instant as the sample: no new statfs, the estimate alone must see it.
    const estimate = disk.usableBytes(t0) as number;
    expect(atSample - estimate, `bytes the estimate fell after ${written} were written (real room ${real})`).toBeGreaterThanOrEqual(written);
    expect(disk.low(t0), 'low before the next sample').toBe(true);
    db.close();
  });
});

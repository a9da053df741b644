/**
 * Issue 11, item 2.3: on a real small filesystem (20 MB tmpfs) pictures are refused first. A picture
 * that would leave less than outbox.minFreeBytes + snapshots.minFreeBytes free is not kept, and its
 * event still goes, with `data.snapshotError`; nothing is evicted for pictures, and once the disk is
 * full the room the critical reserve gives back is left to critical events, never to a picture.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { smallFilesystem, unmount } from '../support/small-fs.js';
import { requireTools } from '../support/tools.js';
import { cameraEmit, jpeg, snap } from './support/camera-kind.js';
import { announced, arrivals, CAMERAS, nOf, waitFor, type Arrival } from './support/picture-gateway.js';
import { pictureTownship } from './support/township-harness.js';

const MiB = 1024 * 1024;
const CAM = CAMERAS[0] as string;
const errorOf = (a: Arrival | undefined) => (a?.kind === 'event' ? a.data.snapshotError : undefined);
const tamper = (n: number) => cameraEmit(CAM, { type: 'camera.tamper', category: 'camera', data: { n }, attachment: { bytes: jpeg(200_000, n), contentType: 'image/jpeg' } });
const MOUNT = mkdtempSync(join(tmpdir(), 'vgw-pictures-fs-'));

const ready = requireTools('mosquitto', 'fallocate') && smallFilesystem(MOUNT, 'PICTURE DISK TESTS');
const free = () => {
  const s = statfsSync(MOUNT);
  return s.bavail * s.bsize;
};

/** Grows `name` (fallocate: really allocated) until only `leave` bytes are free on MOUNT. */
function leaveFree(name: string, leave: number): void {
  const file = join(MOUNT, name);
  const size = (statSync(file, { throwIfNoEntry: false })?.size ?? 0) + free() - leave;
  const r = spawnSync('fallocate', ['-l', String(size), file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fallocate ${file} to ${size} bytes failed: ${r.stderr}`);
}

describe.runIf(ready)('pictures on a full disk (20 MB tmpfs)', () => {
  const h = pictureTownship();
  afterAll(() => {
    unmount(MOUNT);
    rmSync(MOUNT, { recursive: true, force: true });
  });

  it('refuses pictures before the outbox must evict; the events go with data.snapshotError; the reserve is not theirs', async () => {
    const dataDir = join(MOUNT, 'gw');
    mkdirSync(dataDir);
    // Pictures must leave 2 + 3 MiB free.
    const started = await h.start({ down: true, dataDir, outbox: { minFreeBytes: 2 * MiB, reserveBytes: 2 * MiB }, snapshots: { minFreeBytes: 3 * MiB } });
    const g = started.gateway;
    const reserve = () => ['reserve.0', 'reserve.1'].reduce((n, f) => n + (statSync(join(dataDir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
    expect(reserve()).toBe(2 * MiB);

    leaveFree('filler', 6.5 * MiB);
    await snap(CAM, jpeg(MiB, 1), { n: 1 }); // leaves ~5.5 MiB: kept
    await snap(CAM, jpeg(MiB, 2), { n: 2 }); // would leave ~4.5 MiB: refused, the event still goes
    expect(g.inspect().snapshots).toMatchObject({ waiting: 1, refused: 1 });
    expect(readdirSync(join(dataDir, 'snapshots'))).toHaveLength(1);
    expect(free()).toBeGreaterThan(5 * MiB - 256 * 1024);
    expect(g.inspect().evicted).toBe(0);
    expect(g.inspect().diskFull).toBe(false);

    // Both events reach the township; the kept picture after its event, the other event says why.
    h.link.mode = 'pass';
    const cameraEvents = () => arrivals(h.probe).filter((a) => a.kind === 'event' && a.type.startsWith('camera.'));
    const byN = () => new Map(cameraEvents().map((a) => [nOf(a), a]));
    await waitFor(() => cameraEvents().length === 2 && arrivals(h.probe).some((a) => a.kind === 'snapshot'), 20_000, 'two camera events and one snapshot at the township');
    expect(announced(byN().get(1))?.bytes).toBe(MiB);
    expect(arrivals(h.probe).filter((a) => a.kind === 'snapshot').map((a) => a.eventId)).toEqual([byN().get(1)?.eventId]);
    expect(errorOf(byN().get(2))).toMatchObject({ reason: 'disk-full', message: expect.stringMatching(/outbox\.minFreeBytes \+ snapshots\.minFreeBytes/) });
    await waitFor(() => g.inspect().backlog === 0 && g.inspect().snapshots.waiting === 0, 10_000, 'outbox and pictures drained');
    h.link.mode = 'down';
    h.link.reset();

    // Now something else fills the disk to the last byte. A critical camera event still commits (when
    // SQLite needs room for it the outbox gives up half of its reserve); its picture is refused, and so
    // is the next one, whatever room the released reserve left: that room is for critical events.
    leaveFree('filler-2', 0);
    await tamper(3);
    const freeAfterCritical = free();
    await tamper(4);
    expect(g.inspect().snapshots).toMatchObject({ waiting: 0, refused: 3 });
    await waitFor(() => readdirSync(join(dataDir, 'snapshots')).length === 0, 5000, 'no picture file: the sent one removed, the refused ones never written');
    expect(free()).toBeGreaterThanOrEqual(freeAfterCritical - 64 * 1024);

    rmSync(join(MOUNT, 'filler'));
    rmSync(join(MOUNT, 'filler-2'));
    h.link.mode = 'pass';
    // On a disk this low the outbox makes room for a new row by evicting an older one, reported (issue
    // 8 A, its own policy): tamper 3 arrives or is reported evicted; tamper 4 arrives.
    const evictedCritical = () => h.probe.events.some((e) => e.type === 'system.outbox.evicted' && (e.data.bySeverity as { critical?: number }).critical === 1);
    await waitFor(() => byN().has(4) && (byN().has(3) || evictedCritical()), 20_000, 'tamper 4 at the township, and tamper 3 or its eviction report');
    for (const n of [3, 4].filter((k) => byN().has(k))) {
      expect(errorOf(byN().get(n)), `tamper ${n}'s snapshotError`).toMatchObject({ reason: 'disk-full' });
      expect(announced(byN().get(n))).toBeUndefined();
    }
    expect(arrivals(h.probe).filter((a) => a.kind === 'snapshot')).toHaveLength(1);
    expect(h.probe.invalid).toEqual([]);
  });
});

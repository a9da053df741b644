/**
 * Issue 11, item 2: camera pictures are the outbox's second class. Real SQLite files, a real Mosquitto
 * as the township, the uplink through a relay that can be down; a test-only camera kind emits events
 * with JPEG attachments through the driver context, as the camera driver does.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../support/tools.js';
import { cameraEmit, jpeg, snap } from './support/camera-kind.js';
import { announced, arrivals, CAMERAS, nOf, raiseAlarm, waitFor } from './support/picture-gateway.js';
import { pictureTownship } from './support/township-harness.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const [CAM, CAM2] = CAMERAS as [string, string];

describe.runIf(requireTools('mosquitto'))('camera pictures in the outbox', () => {
  const h = pictureTownship();
  const start = h.start;

  it('sends a motion event, then its picture on snapshots/{eventId}, with matching bytes and sha256', async () => {
    const { gateway: g, dataDir } = await start();
    const picture = jpeg(48_213, 1);
    await snap(CAM, picture, { zone: 'east-gate' });
    await waitFor(() => arrivals(h.probe).some((a) => a.kind === 'snapshot'), 15_000, 'the snapshot at the township');
    const got = arrivals(h.probe);
    const event = got.find((a) => a.kind === 'event' && a.type === 'camera.motion');
    const shot = got.find((a) => a.kind === 'snapshot');
    expect(event?.data).toEqual({ zone: 'east-gate', snapshot: { topic: `pingan/v1/370283104/370283104-pictures-01/snapshots/${event?.eventId}`, bytes: 48_213, sha256: sha(picture) } });
    expect(shot?.eventId).toBe(event?.eventId);
    expect(shot?.kind === 'snapshot' && shot.payload.equals(picture)).toBe(true);
    expect(got.indexOf(shot as never)).toBeGreaterThan(got.indexOf(event as never));
    // Sent and acknowledged: its file and row are gone; the counters say so.
    await waitFor(() => g.inspect().snapshots.sent === 1, 5000, 'the picture counted as sent');
    expect(g.inspect().snapshots).toEqual({ waiting: 0, bytes: 0, sent: 1, dropped: 0, refused: 0 });
    await waitFor(() => readdirSync(join(dataDir, 'snapshots')).length === 0, 5000, 'the sent picture\'s file removed');
    expect(g.metrics().snapshots).toEqual({ waiting: 0, bytes: 0, sent: 1, dropped: 0 });
    expect(h.probe.invalid).toEqual([]);
  });
  it('during an outage with 200 pictures and 20 alarms waiting, every alarm and event drains before the first picture', async () => {
    const { gateway: g } = await start({ down: true });
    const pictures = new Map<number, Buffer>();
    for (let batch = 0; batch < 20; batch++) {
      const work: Promise<unknown>[] = [];
      for (let k = 0; k < 10; k++) {
        const n = batch * 10 + k;
        pictures.set(n, jpeg(4000 + n, n));
        work.push(snap(n % 2 ? CAM2 : CAM, pictures.get(n) as Buffer, { n }));
      }
      work.push(raiseAlarm(g, batch));
      await Promise.all(work);
    }
    expect(g.inspect().snapshots).toMatchObject({ waiting: 200, dropped: 0 });

    h.link.mode = 'pass';
    const linkUp = Date.now();
    await waitFor(() => arrivals(h.probe).filter((a) => a.kind === 'snapshot').length === 200, 60_000, 'all 200 snapshots at the township');
    process.stdout.write(`[pictures] 220 events and 200 pictures (4 kB) drained in ${Date.now() - linkUp} ms after the outage\n`);
    const got = arrivals(h.probe);
    const firstShot = got.findIndex((a) => a.kind === 'snapshot');
    const alarms = got.filter((a) => a.kind === 'event' && a.type === 'panic.pressed');
    const motions = got.filter((a) => a.kind === 'event' && a.type === 'camera.motion');
    expect(alarms).toHaveLength(20);
    expect(motions).toHaveLength(200);
    // Every alarm and every other event arrived before the first picture.
    const lastEvent = Math.max(...[...alarms, ...motions].map((a) => got.indexOf(a)));
    expect(lastEvent).toBeLessThan(firstShot);
    // Each picture after its own event, its bytes those of its event's data.snapshot.
    for (const shot of got.filter((a) => a.kind === 'snapshot')) {
      const event = motions.find((m) => m.eventId === shot.eventId);
      expect(event, `the event of snapshot ${shot.eventId}`).toBeDefined();
      const n = nOf(event);
      expect(shot.kind === 'snapshot' && shot.payload.equals(pictures.get(n) as Buffer)).toBe(true);
      expect(announced(event)?.sha256).toBe(sha(pictures.get(n) as Buffer));
    }
    await waitFor(() => g.inspect().snapshots.sent === 200, 10_000, '200 pictures counted as sent');
    expect(g.inspect().snapshots).toMatchObject({ waiting: 0, bytes: 0, dropped: 0 });
    expect(h.probe.invalid).toEqual([]);
  });
  it('the byte cap drops the oldest pictures, reported, and never an event', async () => {
    // 64 KiB holds six 10 KB pictures; 30 are taken during the outage, so 24 must go, oldest first.
    const { gateway: g } = await start({ down: true, snapshots: { maxBytes: 65_536 } });
    for (let n = 0; n < 30; n++) {
      await snap(CAM, jpeg(10_000, n), { n });
      if (n % 3 === 0) await raiseAlarm(g, n);
    }
    expect(g.inspect().snapshots).toMatchObject({ waiting: 6, bytes: 60_000, dropped: 24 });
    expect(g.inspect().evicted).toBe(0);

    h.link.mode = 'pass';
    const dropReports = () => h.probe.events.filter((e) => e.type === 'system.snapshot.dropped');
    const droppedCount = () => dropReports().reduce((sum, e) => sum + (e.data.count as number), 0);
    await waitFor(() => arrivals(h.probe).filter((a) => a.kind === 'snapshot').length === 6 && droppedCount() === 24, 30_000, '6 snapshots and reports of 24 dropped pictures');
    const got = arrivals(h.probe);
    const motions = got.filter((a) => a.kind === 'event' && a.type === 'camera.motion');
    // Every event arrived: 30 motions (each naming its picture) and 10 alarms; no seq gap, nothing evicted.
    expect(motions.map(nOf).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    expect(got.filter((a) => a.kind === 'event' && a.type === 'panic.pressed')).toHaveLength(10);
    const seqs = h.probe.events.map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs[seqs.length - 1]! - seqs[0]! + 1).toBe(seqs.length);
    expect(h.probe.events.some((e) => e.type === 'system.outbox.evicted')).toBe(false);
    // The pictures kept are the newest six.
    const sent = got.filter((a) => a.kind === 'snapshot').map((s) => nOf(motions.find((m) => m.eventId === s.eventId)));
    expect(sent.sort((a, b) => a - b)).toEqual([24, 25, 26, 27, 28, 29]);
    // The drops are aggregated (the first at once, the rest per interval), not one event per picture.
    expect(dropReports().length).toBeLessThan(24);
    expect(dropReports().every((e) => e.data.reason === 'queue-full' && e.category === 'system')).toBe(true);
    expect(h.probe.invalid).toEqual([]);
  });

  it('the count cap keeps the newest pictures', async () => {
    const { gateway: g } = await start({ down: true, snapshots: { maxCount: 3 } });
    for (let n = 0; n < 5; n++) await snap(CAM, jpeg(2000, n), { n });
    expect(g.inspect().snapshots).toMatchObject({ waiting: 3, bytes: 6000, dropped: 2 });
  });

  it('a picture larger than the byte cap is refused; its event goes with data.snapshotError', async () => {
    const { gateway: g } = await start({ snapshots: { maxBytes: 65_536 } });
    await snap(CAM, jpeg(70_000, 1), { n: 1 });
    await waitFor(() => arrivals(h.probe).some((a) => a.kind === 'event' && a.type === 'camera.motion'), 10_000, 'the motion event');
    const event = arrivals(h.probe).find((a) => a.kind === 'event' && a.type === 'camera.motion');
    expect(event?.kind === 'event' && event.data.snapshotError).toEqual({ reason: 'too-large', message: 'the picture has 70000 bytes, more than snapshots.maxBytes 65536' });
    expect(announced(event)).toBeUndefined();
    expect(g.inspect().snapshots).toMatchObject({ waiting: 0, refused: 1, dropped: 0 });
    expect(h.probe.invalid).toEqual([]);
  });

  it('a picture whose file is missing or changed is reported and skipped; the others still go', async () => {
    const { gateway: g, dataDir } = await start({ down: true });
    for (let n = 0; n < 4; n++) await snap(CAM, jpeg(3000, n), { n });
    const files = readdirSync(join(dataDir, 'snapshots')).sort();
    expect(files).toHaveLength(4);
    const events = g.testApi.outboxPage(0, 0, 100).map((r) => JSON.parse(r.payload.toString()) as { id: string; type: string; data: { n: number } }).filter((e) => e.type === 'camera.motion');
    const fileOf = (n: number) => join(dataDir, 'snapshots', `${events.find((e) => e.data.n === n)?.id}.jpg`);
    rmSync(fileOf(1));
    writeFileSync(fileOf(2), jpeg(3000, 99));

    h.link.mode = 'pass';
    const reported = (reason: string) => h.probe.events.filter((e) => e.type === 'system.snapshot.dropped' && e.data.reason === reason).reduce((sum, e) => sum + (e.data.count as number), 0);
    await waitFor(() => arrivals(h.probe).filter((a) => a.kind === 'snapshot').length === 2 && reported('file-missing') === 1 && reported('file-damaged') === 1, 20_000, 'two snapshots and the reports of the missing and the changed file');
    expect(g.inspect().snapshots).toMatchObject({ waiting: 0, sent: 2, dropped: 2 });
    // The gateway goes on: a later picture still goes up.
    await snap(CAM, jpeg(3000, 7), { n: 7 });
    await waitFor(() => arrivals(h.probe).filter((a) => a.kind === 'snapshot').length === 3, 10_000, 'the next snapshot');
    expect(g.inspect().failedComponents).toEqual([]);
    expect(h.probe.invalid).toEqual([]);
  });

  it('pictures waiting at a restart are delivered after it; a file no event names is removed at start', async () => {
    const first = await start({ down: true });
    const pictures = [0, 1, 2, 3, 4].map((n) => jpeg(5000 + n, n));
    for (const [n, p] of pictures.entries()) await snap(CAM2, p, { n });
    await first.gateway.stop();
    h.gateway = null;
    await h.link.stop();
    // What a power cut between writing a picture and committing its event leaves behind.
    const orphan = join(first.dataDir, 'snapshots', '0193c0de-7b02-7d45-8a10-3c4d5e6f7a81.jpg');
    writeFileSync(orphan, jpeg(1000, 9));

    const { gateway: g } = await start({ dataDir: first.dataDir });
    expect(existsSync(orphan)).toBe(false);
    await waitFor(() => arrivals(h.probe).filter((a) => a.kind === 'snapshot').length === 5, 20_000, 'the 5 snapshots after the restart');
    const got = arrivals(h.probe);
    for (const shot of got.filter((a) => a.kind === 'snapshot')) {
      const event = got.find((a) => a.kind === 'event' && a.eventId === shot.eventId);
      expect(event && got.indexOf(event) < got.indexOf(shot)).toBe(true);
      expect(shot.kind === 'snapshot' && shot.payload.equals(pictures[nOf(event)] as Buffer)).toBe(true);
    }
    await waitFor(() => g.inspect().snapshots.sent === 5, 5000, 'the 5 pictures counted as sent');
    await waitFor(() => readdirSync(join(first.dataDir, 'snapshots')).length === 0, 5000, 'the sent pictures\' files removed');
    expect(h.probe.invalid).toEqual([]);
  });
  it('an event evicted from the outbox takes its picture along, reported; no picture comes for it', async () => {
    const { gateway: g } = await start({ down: true, outbox: { maxRows: 100 } });
    await cameraEmit(CAM, { type: 'camera.seen', category: 'camera', data: { n: 0 }, attachment: { bytes: jpeg(3000, 0), contentType: 'image/jpeg' } }); // info: evicted first
    await snap(CAM, jpeg(3000, 1), { n: 1 }); // major: kept
    for (let n = 0; n < 150; n++) await g.testApi.emit({ device: CAM2, category: 'camera', type: 'camera.heartbeat', severity: 'info', data: { n } });
    expect(g.inspect().evicted).toBeGreaterThan(0);
    await waitFor(() => g.inspect().snapshots.dropped === 1, 5000, 'the evicted event\'s picture dropped');
    expect(g.inspect().snapshots).toMatchObject({ waiting: 1, dropped: 1 });

    h.link.mode = 'pass';
    const reported = () => h.probe.events.filter((e) => e.type === 'system.snapshot.dropped' && e.data.reason === 'event-evicted');
    await waitFor(() => arrivals(h.probe).some((a) => a.kind === 'snapshot') && reported().length === 1, 20_000, 'the kept snapshot and the report of the dropped one');
    const motion = arrivals(h.probe).find((a) => a.kind === 'event' && a.type === 'camera.motion');
    expect(arrivals(h.probe).filter((a) => a.kind === 'snapshot').map((a) => a.eventId)).toEqual([motion?.eventId]);
    expect(arrivals(h.probe).some((a) => a.kind === 'event' && a.type === 'camera.seen')).toBe(false);
    expect(h.probe.events.some((e) => e.type === 'system.outbox.evicted')).toBe(true);
    expect(h.probe.invalid).toEqual([]);
  });
});

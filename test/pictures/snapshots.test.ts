/**
 * Issue 11, item 2: camera pictures are the outbox's second class. Real SQLite files, a real Mosquitto
 * as the township, the uplink through a relay that can be down; a test-only camera kind emits events
 * with JPEG attachments through the driver context, as the camera driver does.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../gateway/create-gateway.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { jpeg, snap } from './support/camera-kind.js';
import { arrivals, CAMERAS, raiseAlarm, startPictureGateway, waitFor } from './support/picture-gateway.js';
import { SlowLink } from './support/slow-link.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const [CAM, CAM2] = CAMERAS as [string, string];

describe.runIf(requireTools('mosquitto'))('camera pictures in the outbox', () => {
  const broker = new Mosquitto();
  let link: SlowLink;
  let probe: TownshipProbe;
  let gateway: Gateway | null = null;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url);
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = null;
    await link?.stop();
    probe.messages.length = 0;
    probe.events.length = 0;
  });
  afterAll(async () => {
    await probe?.close();
    await broker.stop();
  });

  async function start(o: { snapshots?: Record<string, unknown>; dataDir?: string; down?: boolean } = {}) {
    link = new SlowLink(broker.port);
    link.down = o.down ?? false;
    await link.start();
    const started = await startPictureGateway({ uplinkUrl: link.url, snapshots: o.snapshots, dataDir: o.dataDir });
    gateway = started.gateway;
    return started;
  }

  it('sends a motion event, then its picture on snapshots/{eventId}, with matching bytes and sha256', async () => {
    const { gateway: g, dataDir } = await start();
    const picture = jpeg(48_213, 1);
    await snap(CAM, picture, { zone: 'east-gate' });
    await waitFor(() => arrivals(probe).some((a) => a.kind === 'snapshot'), 15_000, 'the snapshot at the township');
    const got = arrivals(probe);
    const event = got.find((a) => a.kind === 'event' && a.type === 'camera.motion');
    const shot = got.find((a) => a.kind === 'snapshot');
    expect(event?.data).toEqual({ zone: 'east-gate', snapshot: { topic: `pingan/v1/370283104/370283104-pictures-01/snapshots/${event?.eventId}`, bytes: 48_213, sha256: sha(picture) } });
    expect(shot?.eventId).toBe(event?.eventId);
    expect(shot?.kind === 'snapshot' && shot.payload.equals(picture)).toBe(true);
    expect(got.indexOf(shot as never)).toBeGreaterThan(got.indexOf(event as never));
    // Sent and acknowledged: its file and row are gone; the counters say so.
    await waitFor(() => g.inspect().snapshots.sent === 1, 5000, 'the picture counted as sent');
    expect(g.inspect().snapshots).toEqual({ waiting: 0, bytes: 0, sent: 1, dropped: 0, refused: 0 });
    expect(readdirSync(join(dataDir, 'snapshots'))).toEqual([]);
    expect(g.metrics().snapshots).toEqual({ waiting: 0, bytes: 0, sent: 1, dropped: 0 });
    expect(probe.invalid).toEqual([]);
  });
});

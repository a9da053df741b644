/**
 * Issue 11, item 2: pictures never hold an alarm back by more than one message. Over a slow uplink (a
 * relay pacing the gateway's bytes, as a 4G link does) with the pictures' bandwidth budget set low, an
 * alarm raised while a picture is crossing arrives right behind it; and the budget paces the pictures.
 */
import { describe, expect, it } from 'vitest';
import type { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { jpeg, snap } from './support/camera-kind.js';
import { arrivals, CAMERAS, raiseAlarm, waitFor } from './support/picture-gateway.js';
import { pictureTownship } from './support/township-harness.js';

const CAM = CAMERAS[0] as string;
const shots = (probe: TownshipProbe) => probe.messages.filter((m) => m.topic.includes('/snapshots/'));

describe.runIf(requireTools('mosquitto'))('pictures on a throttled uplink', () => {
  const h = pictureTownship();
  const start = async (snapshots: Record<string, unknown>, linkBytesPerSec: number) => (await h.start({ down: true, snapshots, linkBytesPerSec })).gateway;

  // 200 kB/s link and 60 kB pictures: with the budget below the link a picture is crossing most of the
  // time; with none (or one above the link) pictures go back to back, and only sending one at a time
  // keeps the queue behind the alarm instead of in front of it.
  it.each([
    ['the budget below the link', 150_000],
    ['no budget', 0],
  ])('an alarm raised while a picture is being sent arrives within one message of it (%s)', async (_what, budget) => {
    const g = await start({ bytesPerSec: budget }, 200_000);
    for (let n = 0; n < 10; n++) await snap(CAM, jpeg(60_000, n), { n });
    h.link.mode = 'pass';

    const picturesAhead: number[] = [];
    const latencies: number[] = [];
    for (let k = 0; k < 4; k++) {
      await waitFor(() => h.link.queued > 20_000, 20_000, `a picture crossing the link before alarm ${k}`);
      const shotsBefore = shots(h.probe).length;
      const raised = Date.now();
      await raiseAlarm(g, k);
      await waitFor(() => h.probe.events.some((e) => e.type === 'panic.pressed' && e.data.n === k), 20_000, `alarm ${k} at the township`);
      latencies.push(Date.now() - raised);
      picturesAhead.push(shots(h.probe).length - shotsBefore);
    }
    // Each alarm waited for the picture on the wire at most, never for the queue behind it.
    expect(picturesAhead.every((n) => n <= 1), `pictures that arrived between an alarm and its delivery: ${picturesAhead.join(', ')}`).toBe(true);
    process.stdout.write(`[pictures] budget ${budget} B/s: alarm latency behind a crossing 60 kB picture on a 200 kB/s link: ${latencies.join(', ')} ms; pictures ahead: ${picturesAhead.join(', ')}\n`);
    await waitFor(() => shots(h.probe).length === 10, 30_000, 'all 10 snapshots');
    expect(h.probe.invalid).toEqual([]);
  });

  it('the budget paces the pictures (bytes per second) on a fast link', async () => {
    const g = await start({ bytesPerSec: 100_000 }, 0);
    for (let n = 0; n < 5; n++) await snap(CAM, jpeg(50_000, n), { n });
    h.link.mode = 'pass';
    const times: number[] = [];
    const seen = () => {
      while (times.length < shots(h.probe).length) times.push(Date.now());
      return times.length === 5;
    };
    await waitFor(seen, 20_000, 'the 5 snapshots');
    // 50 kB at 100 kB/s: each picture holds the next back half a second.
    const span = (times[4] as number) - (times[0] as number);
    expect(span).toBeGreaterThanOrEqual(1900);
    expect(g.inspect().snapshots).toMatchObject({ waiting: 0, sent: 5 });
    // The events themselves are not paced: all five went before the first picture.
    expect(arrivals(h.probe).filter((a) => a.kind === 'event' && a.type === 'camera.motion')).toHaveLength(5);
  });
});

/**
 * ONVIF PullPoint against the fake camera over real HTTP: a motion alarm becomes one `camera.motion`
 * event with the camera's JPEG attached; the subscription is renewed before it expires; after the
 * camera restarts (subscriptions forgotten) it is rebuilt and the next alarm arrives, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import type { Driver } from '../../device-drivers/driver.js';
import { cameraDriver, fakeCamera, until } from './support.js';

let cams: FakeCamera[] = [];
let drivers: Driver[] = [];
afterEach(async () => {
  for (const d of drivers) await d.stop();
  for (const c of cams) await c.stop();
  cams = [];
  drivers = [];
});

async function setup(fields: Record<string, unknown> = {}) {
  const cam = await fakeCamera();
  cams.push(cam);
  const t = await cameraDriver(cam, fields);
  drivers.push(t.driver);
  await until(() => cam.subscriptions === 1 && (cam.calls.get('PullMessages') ?? 0) > 0, 'the driver subscribed and pulls');
  return { cam, ...t };
}

describe('camera: ONVIF PullPoint', () => {
  it('motion → one camera.motion event with the JPEG attached; the Initialized state is not an alarm', async () => {
    const t = await setup();
    expect(t.types()).toEqual([]);
    t.cam.alarm();
    await until(() => t.events.length === 1, 'the motion event');
    const e = t.events[0]!;
    expect(e.type).toBe('camera.motion');
    expect(e.data).toMatchObject({ source: 'onvif', topic: 'tns1:RuleEngine/CellMotionDetector/Motion', count: 1 });
    expect(e.attachment?.contentType).toBe('image/jpeg');
    expect(e.attachment?.bytes?.equals(t.cam.jpeg)).toBe(true);
    expect(e.data.snapshotError).toBeUndefined();
  });
});

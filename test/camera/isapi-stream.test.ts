/**
 * The Hikvision ISAPI alertStream against the fake camera: multipart EventNotificationAlert over HTTP
 * digest; the stream is dropped every 400 ms (as NVRs do every ~40 s) and resumed, an alert the
 * camera repeats on the new stream is not reported twice, and heartbeats are not alarms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import type { Driver } from '../../device-drivers/driver.js';
import { MultipartReader } from '../../device-drivers/camera/multipart.js';
import { cameraDriver, fakeCamera, until } from './support.js';

let cams: FakeCamera[] = [];
let drivers: Driver[] = [];
afterEach(async () => {
  for (const d of drivers) await d.stop();
  for (const c of cams) await c.stop();
  cams = [];
  drivers = [];
});

const ISAPI_ONLY = { onvif: false, isapi: { backoffMinMs: 50, backoffMaxMs: 400 }, snapshot: { url: '/ISAPI/Streaming/channels/101/picture' } };

describe('camera: ISAPI alertStream', () => {
  it('motion over the stream → camera.motion with the snapshot; heartbeats are not alarms', async () => {
    const cam = await fakeCamera({ heartbeatMs: 50 });
    cams.push(cam);
    const t = await cameraDriver(cam, ISAPI_ONLY);
    drivers.push(t.driver);
    await until(() => cam.openStreams === 1, 'the alert stream');
    await new Promise((r) => setTimeout(r, 300)); // a few heartbeats
    cam.alarm('tns1:RuleEngine/CellMotionDetector/Motion', 'VMD');
    await until(() => t.events.length === 1, 'the motion event');
    expect(t.events[0]).toMatchObject({ type: 'camera.motion', data: { source: 'isapi', eventType: 'VMD', channel: '1', count: 1 } });
    expect(t.events[0]!.attachment?.bytes?.equals(cam.jpeg)).toBe(true);
    expect(t.types()).toEqual(['camera.motion']);
  });

  it('dropped every 400 ms: resumed each time, every alarm reported exactly once despite replays', async () => {
    const cam = await fakeCamera({ streamDropMs: 400, replayOnConnect: true });
    cams.push(cam);
    const t = await cameraDriver(cam, { ...ISAPI_ONLY, snapshot: { enabled: false } });
    drivers.push(t.driver);
    const types = ['VMD', 'tamperdetection', 'IO'];
    for (const type of types) {
      await until(() => cam.openStreams === 1, 'a connected alert stream');
      cam.alarm('tns1:x', type);
      const before = cam.calls.get('alertStream') ?? 0;
      await until(() => (cam.calls.get('alertStream') ?? 0) > before, 'the stream dropped and resumed', 5000);
    }
    await until(() => t.events.length === 3, 'three alarm events');
    await until(() => (cam.calls.get('alertStream') ?? 0) >= 5, 'more reconnects, each replaying the last alert', 5000);
    expect(t.types()).toEqual(['camera.motion', 'camera.tamper', 'camera.input']);
    await until(() => (t.lastState()?.isapi?.duplicates ?? 0) >= 2, 'replays counted as duplicates');
    expect(t.lastState()?.isapi?.drops).toBeGreaterThanOrEqual(3);
  });

  it('the multipart reader takes parts split anywhere, with or without Content-Length', () => {
    const parts: string[] = [];
    const r = new MultipartReader('b', 1024, (p) => parts.push(p.body.toString()));
    const text = '--b\r\nContent-Type: application/xml\r\nContent-Length: 5\r\n\r\nhello\r\n--b\r\nContent-Type: text/plain\r\n\r\nworld\r\n--b\r\n\r\nthird\r\n--b--';
    for (const ch of text) r.push(Buffer.from(ch));
    expect(parts).toEqual(['hello', 'world', 'third']);
    expect(() => new MultipartReader('b', 16, () => {}).push(Buffer.from('--b\r\nContent-Length: 99\r\n\r\n'))).toThrow(/over the cap/);
  });
});

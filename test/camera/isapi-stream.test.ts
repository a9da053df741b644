/**
 * The Hikvision ISAPI alertStream against the fake camera: multipart EventNotificationAlert over HTTP
 * digest; the stream is dropped every 400 ms (as NVRs do every ~40 s) and resumed, an alert the
 * camera repeats on the new stream is not reported twice, and heartbeats are not alarms.
 */
import { describe, expect, it } from 'vitest';
import { MultipartReader } from '../../device-drivers/camera/multipart.js';
import { cameraRig, until } from './support.js';

const rig = cameraRig();

const ISAPI_ONLY = { onvif: false, isapi: { backoffMinMs: 50, backoffMaxMs: 400 }, snapshot: { url: '/ISAPI/Streaming/channels/101/picture' } };

describe('camera: ISAPI alertStream', () => {
  it('motion over the stream → camera.motion with the snapshot; heartbeats are not alarms', async () => {
    const cam = await rig.camera({ heartbeatMs: 50 });
    const t = await rig.driver(cam, ISAPI_ONLY);
    await until(() => cam.openStreams === 1, 'the alert stream');
    await new Promise((r) => setTimeout(r, 300)); // a few heartbeats
    cam.alarm('tns1:RuleEngine/CellMotionDetector/Motion', 'VMD');
    await until(() => t.events.length === 1, 'the motion event');
    expect(t.events[0]).toMatchObject({ type: 'camera.motion', data: { source: 'isapi', eventType: 'VMD', channel: '1', count: 1 } });
    expect(t.events[0]!.attachment?.bytes?.equals(cam.jpeg)).toBe(true);
    expect(t.types()).toEqual(['camera.motion']);
  });

  it('dropped every 400 ms: resumed each time, every alarm reported exactly once despite replays', async () => {
    const cam = await rig.camera({ streamDropMs: 400, replayOnConnect: true });
    const t = await rig.driver(cam, { ...ISAPI_ONLY, snapshot: { enabled: false } });
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
    // Every reconnect replayed the last alert: at least two replays came after the third event, none reported.
    expect(t.types()).toHaveLength(3);
  });

  it('a part over the cap is refused before it is buffered, reported as rejected traffic, and the stream resumed', async () => {
    const cam = await rig.camera();
    const t = await rig.driver(cam, { ...ISAPI_ONLY, snapshot: { enabled: false } });
    await until(() => cam.openStreams === 1, 'the alert stream');
    cam.oversizePart(50 * 1024 * 1024);
    await until(() => t.rejects.length === 1, 'the oversize part reported');
    expect(t.rejects[0]).toMatchObject({ reason: 'too-large' });
    await until(() => (cam.calls.get('alertStream') ?? 0) === 2 && cam.openStreams === 1, 'the stream reconnected');
    cam.alarm('tns1:x', 'VMD');
    await until(() => t.events.length === 1, 'alarms flow again');
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

/**
 * ONVIF PullPoint against the fake camera over real HTTP: a motion alarm becomes one `camera.motion`
 * event with the camera's JPEG attached; the subscription is renewed before it expires; after the
 * camera restarts (subscriptions forgotten) it is rebuilt and the next alarm arrives, once.
 */
import { describe, expect, it } from 'vitest';
import { cameraRig, until } from './support.js';

const rig = cameraRig();

async function setup(fields: Record<string, unknown> = {}, camera: Parameters<typeof rig.camera>[0] = {}) {
  const cam = await rig.camera(camera);
  const t = await rig.driver(cam, fields);
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
    await t.driver.stop();
    expect(t.cam.subscriptions).toBe(0); // unsubscribed on stop, not left to expire on the camera
    expect(t.cam.calls.get('Unsubscribe')).toBe(1);
  });

  it('renews the subscription before it expires, so a long quiet spell loses no alarm', async () => {
    // 5 s lifetime, pulls of 1 s: renewed once a third is left (or one pull before the end).
    const t = await setup({ onvif: { pullTimeoutSec: 1, subscriptionSec: 5 } });
    await until(() => (t.cam.calls.get('Renew') ?? 0) >= 1, 'a Renew', 15_000);
    expect(t.cam.calls.get('CreatePullPointSubscription')).toBe(1);
    t.cam.alarm();
    await until(() => t.events.length === 1, 'the motion event after renewal');
    expect(t.cam.subscriptions).toBe(1);
  });

  it('rebuilds the subscription after the camera restarts; the motion it restates as Initialized is not reported again', async () => {
    const t = await setup({ onvif: { pullTimeoutSec: 1, subscriptionSec: 60, rebuildAfterFailures: 2 } });
    t.cam.alarm();
    await until(() => t.events.length === 1, 'the motion event before the restart');
    await t.cam.restart();
    expect(t.cam.subscriptions).toBe(0);
    await until(() => t.cam.subscriptions === 1 && (t.cam.calls.get('CreatePullPointSubscription') ?? 0) === 2, 'a second subscription after the restart', 15_000);
    // The new subscription began with Initialized IsMotion=true (motion was seconds ago): no event for it.
    await until(() => (t.cam.calls.get('PullMessages') ?? 0) >= 4, 'pulls on the new subscription');
    expect(t.events).toHaveLength(1);
    t.cam.alarm();
    await until(() => t.events.length === 2, 'the motion event after the rebuild');
    expect(t.types()).toEqual(['camera.motion', 'camera.motion']);
    await until(() => t.lastState()?.onvif?.rebuilds === 1, 'rebuilds = 1 in the state');
  });

  it('a digest nonce gone stale is answered again without a failed snapshot', async () => {
    const t = await setup();
    t.cam.alarm();
    await until(() => t.events.length === 1, 'the first event');
    t.cam.expireNonces();
    t.cam.alarm('tns1:RuleEngine/TamperDetector/Tamper');
    await until(() => t.events.length === 2, 'the tamper event');
    expect(t.events[1]).toMatchObject({ type: 'camera.tamper' });
    expect(t.events[1]!.attachment?.bytes?.length).toBe(t.cam.jpeg.length);
  });

  it('a slow snapshot and an oversize one still deliver their events, with the failure noted', async () => {
    const t = await setup({ snapshot: { timeoutMs: 300, maxBytes: 4096 } });
    t.cam.o.snapshotDelayMs = 2000;
    t.cam.alarm();
    await until(() => t.events.length === 1, 'the event despite the slow snapshot', 5000);
    expect(t.events[0]!.attachment).toBeUndefined();
    expect(t.events[0]!.data.snapshotError).toMatchObject({ reason: 'timeout' });
    t.cam.o.snapshotDelayMs = 0;
    t.cam.o.snapshotBytes = 100_000;
    t.cam.alarm('tns1:VideoSource/MotionAlarm');
    await until(() => t.events.length === 2, 'the event despite the oversize snapshot', 5000);
    expect(t.events[1]!.data.snapshotError).toMatchObject({ reason: 'too-large' });
    await until(() => t.lastState()?.snapshots?.failed === 2, 'two snapshot failures counted');
  });

  it('a rule names an extra topic; a topic nobody named is not reported', async () => {
    const t = await setup({ rules: [{ match: 'tns1:RuleEngine/LineDetector/Crossed', type: 'camera.line' }] });
    t.cam.alarm('tns1:RuleEngine/LineDetector/Crossed');
    t.cam.alarm('tns1:RuleEngine/FieldDetector/ObjectsInside');
    t.cam.alarm('tns1:Device/Trigger/DigitalInput');
    await until(() => t.events.length === 2, 'the line and input events');
    await new Promise((r) => setTimeout(r, 300));
    expect(t.types().sort()).toEqual(['camera.input', 'camera.line']);
  });

  it('a camera that only offers basic auth still gives its snapshot', async () => {
    const t = await setup({}, { auth: 'basic' });
    t.cam.alarm();
    await until(() => t.events.length === 1, 'the motion event');
    expect(t.events[0]!.attachment?.bytes?.equals(t.cam.jpeg)).toBe(true);
    expect(t.cam.calls.get('401')).toBe(1); // one challenge, then basic on every request
  });
});


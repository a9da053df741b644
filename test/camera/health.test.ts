/**
 * Camera health against the fake camera: it goes dark (connections refused) and comes back →
 * `device.offline`, then `device.online` whose outage matches the time it was dark; the PullPoint
 * subscription is rebuilt afterwards and alarms flow again. A camera clock off by more than
 * `driftMaxSec` gives one `camera.clock.drift` event, not one per check.
 */
import { describe, expect, it } from 'vitest';
import { cameraRig, until } from './support.js';

const rig = cameraRig();

describe('camera: health', () => {
  it('dark for ~2 s and back: device.offline, then device.online with the outage length; alarms resume', async () => {
    const cam = await rig.camera();
    const t = await rig.driver(cam, { health: { intervalSec: 0.2, timeoutMs: 500, offlineAfter: 2 }, snapshot: { enabled: false } });
    expect(t.driver.health()).toMatchObject({ status: 'ok', online: true });
    await until(() => cam.subscriptions === 1, 'the subscription');
    const darkAt = Date.now();
    await cam.stop();
    await until(() => t.types().includes('device.offline'), 'device.offline', 5000);
    expect(t.driver.health()).toMatchObject({ status: 'degraded', online: false });
    await new Promise((r) => setTimeout(r, Math.max(0, 2000 - (Date.now() - darkAt))));
    await cam.start(cam.port);
    const backAt = Date.now();
    await until(() => t.types().includes('device.online'), 'device.online', 5000);
    const dark = (backAt - darkAt) / 1000;
    const outage = t.events.find((e) => e.type === 'device.online')!.data.outageSec as number;
    // Measured from the first failed check to the first good one: within one check interval (+ load) of the truth.
    expect(outage).toBeGreaterThan(dark - 0.6);
    expect(outage).toBeLessThan(dark + 1.5);
    expect(t.driver.health()).toMatchObject({ status: 'ok', online: true });
    // The old subscription lingers on the camera until it expires; a new one was made after the outage.
    await until(() => (cam.calls.get('CreatePullPointSubscription') ?? 0) === 2, 'the subscription rebuilt', 15_000);
    cam.alarm();
    await until(() => t.types().includes('camera.motion'), 'motion after the outage', 5000);
    expect(t.types().filter((x) => x.startsWith('device.'))).toEqual(['device.offline', 'device.online']);
  });

  it('clock drift over the limit: one camera.clock.drift event with the drift, the drift in the state', async () => {
    const cam = await rig.camera({ driftMs: 95_000 });
    const t = await rig.driver(cam, { health: { intervalSec: 0.1, driftMaxSec: 30 }, onvif: { events: false }, snapshot: { enabled: false } });
    await until(() => (t.lastState()?.checks ?? 0) >= 5, 'five checks');
    expect(t.types()).toEqual(['camera.clock.drift']);
    expect(t.events[0]!.data.driftSec).toBeGreaterThan(93);
    expect(t.events[0]!.data.driftSec).toBeLessThan(97);
    expect(t.lastState()?.driftSec).toBeGreaterThan(93);
  });

  it('a camera 95 s ahead still takes our WS-Security tokens: they are dated by its clock, not ours', async () => {
    const cam = await rig.camera({ driftMs: 95_000 });
    const t = await rig.driver(cam, { snapshot: { enabled: false } });
    await until(() => cam.subscriptions === 1, 'the subscription despite the drift');
    cam.alarm();
    await until(() => t.types().includes('camera.motion'), 'motion despite the drift');
  });

  it('a wrong password: the camera stays online, the refused login shows in the state, the password in no log', async () => {
    const cam = await rig.camera();
    const good = cam.o.password;
    const t = await rig.driver(cam, { onvif: { events: false }, isapi: { backoffMinMs: 50, backoffMaxMs: 100 } });
    cam.o.password = 'changed-on-the-camera'; // changed on the camera, not in the gateway's file
    await until(() => t.lastState()?.isapi?.lastError === 'http-401', 'the alert stream refused with http-401');
    expect(t.driver.health()).toMatchObject({ status: 'ok', online: true });
    expect(t.events).toEqual([]);
    expect(JSON.stringify(t.logs.lines)).not.toContain(good);
  });

  it('an unreadable password file: the camera is degraded with the key and the fix, the gateway goes on', async () => {
    const cam = await rig.camera();
    const t = await rig.driver(cam, { passwordFile: '/nonexistent/cam-gate.pw' });
    expect(t.driver.health()).toMatchObject({ status: 'degraded', online: false });
    expect(t.driver.health().detail).toBe('passwordFile "/nonexistent/cam-gate.pw" of camera "cam-gate" cannot be read (ENOENT); put the camera\'s password there, readable by the gateway\'s user');
    expect(cam.calls.size).toBe(0); // nothing sent without a password
  });
});


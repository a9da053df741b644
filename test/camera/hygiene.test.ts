/**
 * Alarm hygiene: a waving tree (200 motion triggers in a few seconds) gives one event and one merged
 * event with the count, not 200; a merge window folds a burst into one event; weekly windows across
 * midnight let alarms through only inside them, counting the rest.
 */
import { describe, expect, it } from 'vitest';
import { Hygiene, type Burst } from '../../device-drivers/camera/hygiene.js';
import { inAnyWindow, inWindow } from '../../device-drivers/camera/windows.js';
import { cameraRig, until } from './support.js';

const rig = cameraRig();

describe('camera: alarm hygiene', () => {
  it('a waving tree: 200 triggers within the cooldown → the first event, then merged events whose counts add up to 200', async () => {
    const cam = await rig.camera();
    const t = await rig.driver(cam, { hygiene: { cooldownSec: 3 }, snapshot: { enabled: false } });
    await until(() => cam.subscriptions === 1, 'the subscription');
    for (let i = 0; i < 200; i++) {
      cam.alarm();
      await new Promise((r) => setTimeout(r, 1));
    }
    const total = () => t.events.reduce((n, e) => n + (e.data.count as number), 0);
    await until(() => total() === 200, 'all 200 triggers reported in counts', 15_000);
    // Sent as fast as a loaded machine allows, 200 triggers span one or two cooldowns: 2 or 3 events, never 200.
    expect(t.events.length).toBeGreaterThanOrEqual(2);
    expect(t.events.length).toBeLessThanOrEqual(3);
    expect(t.events[0]!.data.count).toBe(1);
    for (const e of t.events.slice(1)) expect(e.data).toMatchObject({ merged: true });
    expect(new Set(t.types())).toEqual(new Set(['camera.motion']));
  });

  it('a merge window folds a burst into one event carrying its count, first and last time', async () => {
    let now = 1_000_000;
    const out: Burst[] = [];
    const h = new Hygiene({ mergeSec: 0.2, cooldownSec: 0 }, () => now, (b) => out.push(b));
    for (let i = 0; i < 7; i++) (h.trigger('camera.motion', { i }), (now += 10));
    h.trigger('camera.tamper', {});
    await until(() => out.length === 2, 'both bursts reported', 2000);
    expect(out.find((b) => b.type === 'camera.motion')).toMatchObject({ count: 7, firstAt: 1_000_000, lastAt: 1_000_060, merged: false, detail: { i: 0 } });
    expect(h.triggers - h.reported).toBe(6);
    h.stop();
  });

  it('weekly windows: 22:00–06:00 on Fri covers Fri night and Sat early morning only', () => {
    const w = { days: ['fri'] as const, from: '22:00', to: '06:00' };
    // 2026-12-04 is a Friday (local time).
    expect(inWindow(w, new Date(2026, 11, 4, 21, 59))).toBe(false);
    expect(inWindow(w, new Date(2026, 11, 4, 22, 0))).toBe(true);
    expect(inWindow(w, new Date(2026, 11, 5, 5, 59))).toBe(true);
    expect(inWindow(w, new Date(2026, 11, 5, 6, 0))).toBe(false);
    expect(inWindow(w, new Date(2026, 11, 5, 23, 0))).toBe(false); // Saturday night is not in it
    expect(inWindow(w, new Date(2026, 11, 4, 3, 0))).toBe(false); // Friday early morning belongs to Thursday's night
    expect(inAnyWindow([], new Date())).toBe(true);
    expect(inWindow({ days: ['mon'], from: '08:00', to: '08:00' }, new Date(2026, 11, 8, 7, 0))).toBe(true); // from = to: the whole day, ending next morning
  });

  it('a camera with night windows reports motion at night and counts, not sends, motion by day', async () => {
    const cam = await rig.camera();
    let now = new Date(2026, 11, 4, 14, 0).getTime(); // Friday 14:00
    const t = await rig.driver(cam, { hygiene: { cooldownSec: 0, windows: [{ from: '22:00', to: '06:00' }] }, snapshot: { enabled: false } }, () => now);
    await until(() => cam.subscriptions === 1, 'the subscription');
    cam.alarm();
    await until(() => t.lastState()?.alarms?.masked === 1, 'the day-time trigger counted as masked');
    now = new Date(2026, 11, 4, 23, 30).getTime();
    cam.alarm();
    // The test's clock is days off the camera's, so a clock-drift event comes too; only motion counts here.
    const motion = () => t.types().filter((x) => x === 'camera.motion');
    await until(() => motion().length === 1, 'the night-time event');
    expect(motion()).toEqual(['camera.motion']);
    await until(() => t.lastState()?.alarms?.triggers === 2, 'both triggers counted');
  });
});

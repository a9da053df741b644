/**
 * The demo's camera scene (视频监控): a fake camera on loopback (ONVIF, digest, a real JPEG) mounted
 * as a `camera` device. Its alarm window is a night watch (夜间布防); for the demo it opens now,
 * so the motion is inside it. Motion → `camera.motion` at the township with the snapshot stored beside
 * it (the picture follows the alarm on `snapshots/{eventId}`, drained below alarms).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import type { DemoLifetime } from './demo-lifetime.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

/** Starts the fake camera; returns how to add it to the config and how to run the scene. */
export async function cameraScene(say: (line: string) => void, life: DemoLifetime) {
  const cam = new FakeCamera();
  await cam.start();
  life.hold(() => cam.stop());
  const pw = join(life.dir, 'cam-market.pw');
  writeFileSync(pw, `${cam.o.password}\n`, { mode: 0o600 });
  const now = new Date();
  const window = { from: hhmm(now), to: hhmm(new Date(now.getTime() + 2 * 3600_000)) };
  return {
    /** Adds the camera to the demo's raw config. */
    extend<T extends { devices: unknown[] }>(raw: T): T {
      const device = { id: 'cam-market', driver: 'camera', url: cam.url, user: cam.o.user, passwordFile: pw, location: 'market square, north pole', hygiene: { cooldownSec: 30, windows: [window] }, health: { intervalSec: 5 } };
      return { ...raw, devices: [...raw.devices, device] };
    },
    /** Motion in front of the camera at night; waits for the event to be sent. */
    async run(): Promise<void> {
      say(`─── camera scene: motion at the market at night (alarm window ${window.from}–${window.to}, a night watch opened now for the demo) ───`);
      await sleep(1500);
      say('  village ▶ someone moves in front of camera cam-market (ONVIF motion): the gateway fetches a snapshot with digest auth');
      cam.alarm();
      await sleep(3000);
    },
  };
}

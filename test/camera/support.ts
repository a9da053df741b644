/** Cameras in tests: a fake camera on loopback and the camera driver on it, with a recording context. */
import { afterEach } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCamera } from '../../device-drivers/camera/camera.js';
import { cameraSchema, type CameraConfig } from '../../device-drivers/camera/config.js';
import type { Driver } from '../../device-drivers/driver.js';
import { FakeCamera, type FakeCameraOptions } from '../../device-drivers/camera/fake-camera.js';
import { recordingContext } from '../gpio/support/driver-context.js';

/** A file holding `password`, as an installer writes it (mode 0600). */
export function passwordFile(password: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vgw-cam-')), 'camera.pw');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

/** Config of camera `id` on `cam`, with `fields` over the defaults (fast checks for tests). */
export function cameraConfig(cam: FakeCamera, fields: Record<string, unknown> = {}, id = 'cam-gate'): Record<string, unknown> {
  return {
    id,
    driver: 'camera',
    url: cam.url,
    user: cam.o.user,
    passwordFile: passwordFile(cam.o.password),
    health: { intervalSec: 0.3, timeoutMs: 1000, offlineAfter: 2 },
    onvif: { pullTimeoutSec: 1, subscriptionSec: 60 },
    hygiene: { cooldownSec: 0 },
    ...fields,
  };
}

/** A started fake camera. */
export async function fakeCamera(o: Partial<FakeCameraOptions> = {}): Promise<FakeCamera> {
  const cam = new FakeCamera(o);
  await cam.start();
  return cam;
}

/** The camera driver on `cam` with a context that records what it emits and mirrors. */
export async function cameraDriver(cam: FakeCamera, fields: Record<string, unknown> = {}, clockNow: () => number = () => Date.now()) {
  const device: CameraConfig = cameraSchema.parse(cameraConfig(cam, fields));
  const rec = recordingContext(device, {});
  rec.ctx.clock = { now: clockNow, synced: () => true };
  const rejects: { reason: string; bytes?: number | undefined }[] = [];
  rec.ctx.reject = (reason, detail) => void rejects.push({ reason, bytes: detail.bytes });
  const driver: Driver = createCamera(rec.ctx);
  await driver.start();
  return { ...rec, rejects, driver, device, lastState: () => rec.states.at(-1)?.state as Record<string, any> | undefined };
}

/** Polls `check` until it is true or `ms` pass; fails naming `what`. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Fake cameras and camera drivers of a test file, all stopped after each test (call at file level). */
export function cameraRig() {
  const cams: FakeCamera[] = [];
  const drivers: Driver[] = [];
  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.stop();
    for (const c of cams.splice(0)) await c.stop();
  });
  return {
    async camera(o: Partial<FakeCameraOptions> = {}): Promise<FakeCamera> {
      const cam = await fakeCamera(o);
      cams.push(cam);
      return cam;
    },
    async driver(cam: FakeCamera, fields: Record<string, unknown> = {}, clockNow?: () => number) {
      const t = await cameraDriver(cam, fields, clockNow);
      drivers.push(t.driver);
      return t;
    },
  };
}

/**
 * A driver kind that lives only in the tests (issue 11): a "camera" the test drives by hand. Each
 * `snap` emits one event with a JPEG attachment through the real driver context, as the camera driver
 * does, and resolves when the gateway committed it.
 */
import { z } from 'zod';
import { deviceCommon } from '../../../device-drivers/device-common.js';
import type { DeviceEventInput, DriverContext } from '../../../device-drivers/driver.js';
import { defineDriver } from '../../../device-drivers/module.js';

export const testCameraSchema = z.object({ ...deviceCommon, driver: z.literal('test-camera') }).strict();

/** The context of each started test camera, by device id. */
const cameras = new Map<string, DriverContext>();

export const testCameraModule = defineDriver({
  kind: 'test-camera',
  label: 'a test camera',
  schema: testCameraSchema,
  seams: [],
  actions: [],
  commands: [],
  events: ['camera.motion', 'camera.tamper'],
  load: async () => (ctx) => ({
    start: async () => void cameras.set(ctx.device.id, ctx as unknown as DriverContext),
    stop: async () => void cameras.delete(ctx.device.id),
    health: () => ({ status: 'ok', online: true }),
  }),
});

/** Emits an event of `device` through its driver context; resolves once committed. */
export function cameraEmit(device: string, event: DeviceEventInput): Promise<void> {
  const ctx = cameras.get(device);
  if (!ctx) throw new Error(`test camera "${device}" is not started`);
  return ctx.emit(event);
}

/** A motion event with a JPEG of `bytes`. */
export const snap = (device: string, jpeg: Buffer, data: Record<string, unknown> = {}): Promise<void> =>
  cameraEmit(device, { type: 'camera.motion', category: 'camera', data, attachment: { bytes: jpeg, contentType: 'image/jpeg' } });

/** Bytes shaped like a JPEG (SOI, APP0, filler that differs per `seed`, EOI) of exactly `size` bytes. */
export function jpeg(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7919) & 0xff;
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  b.set([0xff, 0xd9], size - 2);
  return b;
}

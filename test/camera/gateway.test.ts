/**
 * A camera mounted in a whole gateway (real SQLite file, aedes, mqtt.js, a real Mosquitto as the
 * township): motion on the fake camera → a `camera.motion` event at the township in `events/camera`,
 * valid against the contract, whose stored attachment is byte for byte the camera's JPEG; the
 * camera's health and figures on `devices/{camera}/state`; a config mistake names the key and the fix.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import { parseConfig } from '../../gateway/config/load.js';
import { Mosquitto } from '../support/mosquitto.js';
import { startFixture, TOWNSHIP, type Fixture } from '../support/gateway-fixture.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { startGpioGateway } from '../gpio/support/gpio-gateway.js';
import { cameraConfig, fakeCamera } from './support.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.runIf(requireTools('mosquitto'))('camera in a gateway', () => {
  const broker = new Mosquitto();
  let probe: TownshipProbe;
  let cam: FakeCamera;
  let fx: Fixture;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-camera');
    cam = await fakeCamera();
    fx = await startFixture({ uplinkUrl: broker.url, devices: [], override: { devices: [cameraConfig(cam, { location: 'east gate' })] } });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await cam?.stop();
    await probe?.close();
    await broker.stop();
  });

  it('motion → camera.motion at the township with the JPEG stored beside it; state carries the figures', async () => {
    await probe.waitFor(() => cam.subscriptions === 1, 10_000, 'the camera subscription');
    cam.alarm();
    await probe.waitFor(() => probe.events.some((e) => e.type === 'camera.motion'), 15_000, 'camera.motion at the township');
    const e = probe.events.find((x) => x.type === 'camera.motion')!;
    expect(e).toMatchObject({ device: 'cam-gate', category: 'camera', severity: 'major', data: { source: 'onvif', count: 1 } });
    // The picture class of the outbox keeps the JPEG and names it in the event (issue 11, item 2).
    expect(e.data.snapshot).toEqual({ topic: `pingan/v1/${TOWNSHIP}/${fx.gateway.config.gateway.id}/snapshots/${e.id}`, bytes: cam.jpeg.length, sha256: sha(cam.jpeg) });
    const states = probe.json('devices').filter((m) => m.topic.endsWith('/devices/cam-gate/state'));
    await probe.waitFor(() => probe.json('devices').some((m) => (m.body.state as { alarms?: { events: number } }).alarms?.events === 1), 10_000, 'the state after the event');
    expect(states.length).toBeGreaterThan(0);
    expect(probe.json('devices').at(-1)?.body).toMatchObject({ online: true, state: { reachable: true, snapshots: { ok: 1, failed: 0 } } });
    expect(probe.invalid).toEqual([]);
  });

  it('config mistakes name the key and the fix', () => {
    const base = { gateway: { id: '370283104-test-01', township: '370283104', dataDir: '/tmp/x' }, uplink: { url: 'mqtt://127.0.0.1:1', username: '370283104-test-01' } };
    const bad = (device: Record<string, unknown>) => () => parseConfig({ ...base, devices: [{ id: 'cam-1', driver: 'camera', url: 'http://10.0.0.5', ...device }] }, 'vgw.yaml');
    expect(bad({ user: 'admin' })).toThrow(/\(id "cam-1"\)\.passwordFile.*password in a file/s);
    expect(bad({ url: 'rtsp://10.0.0.5/stream' })).toThrow(/\(id "cam-1"\)\.url.*http:\/\//s);
    expect(bad({ alarmInput: 'cam-1-out' })).toThrow(/\(id "cam-1"\)\.alarmInput.*camera-alarm/s);
    expect(bad({ hygiene: { windows: [{ from: '25:00', to: '06:00' }] } })).toThrow(/\(id "cam-1"\)\.hygiene\.windows\[0\]\.from.*HH:MM/s);
    expect(bad({ health: { intervalSec: 1e9 } })).toThrow(/\(id "cam-1"\)\.health\.intervalSec.*at most/s);
    expect(bad({ onvif: false })).toThrow(/no alarm source/);
    const leak = (() => { try { bad({ url: 'http://admin:s3cret-pw@10.0.0.5' })(); } catch (err) { return (err as Error).message; } return ''; })();
    expect(leak).toMatch(/\(id "cam-1"\)\.url.*no user or password in the URL/s);
    expect(leak).not.toContain('s3cret-pw');
  });

  it("the camera's alarm-out on a GPIO input: an alarm-input of kind camera-alarm the camera names raises the alarm", async () => {
    const sim = new SimulatedGpio();
    sim.pin(23).set(1); // pull-up: the camera's relay contact open
    const gw = await startGpioGateway({
      uplinkUrl: broker.url,
      sim,
      zones: [{ name: 'east-gate' }],
      devices: [
        cameraConfig(cam, { id: 'cam-east', alarmInput: 'cam-east-out' }, 'cam-east'),
        { id: 'cam-east-out', driver: 'alarm-input', zone: 'east-gate', pin: 23, kind: 'camera-alarm', mode: '24h', debounceMs: 10, location: 'relay out of cam-east' },
      ],
    });
    try {
      await sim.pin(23).pulse(0, 100);
      await probe.waitFor(() => probe.events.some((e) => e.device === 'cam-east-out' && e.type === 'alarm.triggered'), 10_000, 'the alarm-out contact at the township');
      expect(probe.events.find((e) => e.device === 'cam-east-out')).toMatchObject({ category: 'alarm', severity: 'major', data: { input: 'camera-alarm', pin: 23 } });
    } finally {
      await gw.gateway.stop();
    }
  });
});

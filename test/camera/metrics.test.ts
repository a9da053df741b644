/**
 * Issue 11 item 4: a line per camera in `metrics`. Two fake cameras in a whole gateway (real SQLite,
 * aedes, mqtt.js, a real Mosquitto as the township): one raises an alarm (its snapshot fetched), the
 * other goes dark. The township's `metrics` message (valid against docs/schemas/metrics.json) carries
 * `devices.figures` for each camera matching what the camera mirrored on `devices/{camera}/state`, and
 * the LAN /metrics serves the same figures as `vgw_device_figure{device,figure}`, read by a strict parser.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCamera } from '../../device-drivers/camera/fake-camera.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { httpGet } from '../ops/support/http-get.js';
import { parsePromText } from '../ops/support/prom-text.js';
import { cameraConfig, fakeCamera } from './support.js';

const TOKEN = '0c9d8e7f6a5b4c3d2e1f00112233445566778899';
type Figures = Record<string, number | null>;
type CamState = { reachable: boolean | null; outages: number; driftSec: number | null; alarms: { triggers: number; masked: number; events: number }; snapshots: { ok: number; failed: number } };

/** What a camera's `metrics` line must say, read from the state it mirrored. */
const expected = (s: CamState): Figures => ({
  reachable: s.reachable === null ? null : s.reachable ? 1 : 0,
  outages: s.outages,
  driftSec: s.driftSec,
  snapshotsOk: s.snapshots.ok,
  snapshotsFailed: s.snapshots.failed,
  alarmTriggers: s.alarms.triggers,
  alarmsMasked: s.alarms.masked,
  alarmEvents: s.alarms.events,
});

describe.runIf(requireTools('mosquitto'))('camera figures in metrics', () => {
  const broker = new Mosquitto();
  let probe: TownshipProbe;
  let gate: FakeCamera;
  let market: FakeCamera;
  let fx: Fixture;
  const lastState = (id: string) => probe.json('devices').filter((m) => m.topic.endsWith(`/devices/${id}/state`)).at(-1)?.body.state as CamState | undefined;
  const lastFigures = () => (probe.json('metrics').at(-1)?.body.devices as { figures?: Record<string, Figures> } | undefined)?.figures;

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-camera-metrics');
    gate = await fakeCamera({ driftMs: 4_000 });
    market = await fakeCamera();
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'vgw-cam-metrics-')), 'http-token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const health = { intervalSec: 0.3, timeoutMs: 500, offlineAfter: 2 };
    fx = await startFixture({
      uplinkUrl: broker.url,
      devices: [],
      uplink: { metricsIntervalSec: 0.5 },
      override: {
        devices: [cameraConfig(gate, { health }, 'cam-gate'), cameraConfig(market, { health, snapshot: { enabled: false } }, 'cam-market')],
        http: { enabled: true, host: '127.0.0.1', port: 0, auth: { tokenFile } },
      },
    });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await gate?.stop();
    await market?.stop();
    await probe?.close();
    await broker.stop();
  });

  it('metrics.devices.figures: one line per camera, equal to its mirrored state; the same on /metrics', async () => {
    await probe.waitFor(() => gate.subscriptions === 1, 10_000, 'the gate camera subscription');
    gate.alarm();
    await probe.waitFor(() => lastState('cam-gate')?.snapshots.ok === 1 && lastState('cam-gate')?.alarms.events === 1, 15_000, 'the gate camera state after its alarm');
    await market.stop();
    await probe.waitFor(() => probe.events.some((e) => e.type === 'device.offline' && e.device === 'cam-market'), 15_000, 'cam-market offline');
    await probe.waitFor(() => lastState('cam-market')?.reachable === false, 10_000, 'the market camera state: unreachable');
    const want = { 'cam-gate': expected(lastState('cam-gate')!), 'cam-market': expected(lastState('cam-market')!) };
    expect(want['cam-gate']).toMatchObject({ reachable: 1, outages: 0, snapshotsOk: 1, snapshotsFailed: 0, alarmEvents: 1 });
    expect(want['cam-gate'].driftSec).toBeGreaterThan(3);
    expect(want['cam-market']).toMatchObject({ reachable: 0, outages: 1, alarmEvents: 0 });
    // The state is mirrored when the drift moves by a whole second; the figures are read live: equal but for that.
    const matches = (got: Record<string, Figures> | undefined) =>
      got !== undefined &&
      JSON.stringify(Object.keys(got).sort()) === JSON.stringify(Object.keys(want).sort()) &&
      Object.entries(want).every(([id, f]) => Object.entries(f).every(([k, v]) => (k === 'driftSec' ? Math.abs((got[id]![k] ?? NaN) - (v ?? NaN)) <= 1.5 : got[id]![k] === v)));
    await probe.waitFor(() => matches(lastFigures()), 15_000, `a metrics message with figures ${JSON.stringify(want)}`);
    // Every message the township got is valid against the contract, the camera's offline/online too.
    expect(probe.invalid).toEqual([]);

    const a = await httpGet({ port: fx.gateway.ops.port }, '/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(a.status).toBe(200);
    const { samples, types } = parsePromText(a.body);
    expect(types.get('vgw_device_figure')).toBe('gauge');
    const scraped: Record<string, Figures> = {};
    for (const s of samples.filter((x) => x.name === 'vgw_device_figure')) (scraped[s.labels.device!] ??= {})[s.labels.figure!] = s.value;
    // Unknown figures (null) are left out of the exposition; every known one is there with its value.
    const known = (f: Figures) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== null));
    expect(matches(scraped)).toBe(true);
    expect(Object.keys(scraped['cam-gate']!).sort()).toEqual(Object.keys(known(want['cam-gate'])).sort());
  });
});

/**
 * Issue 13 item 3: /healthz names each reason it is unhealthy for, read over the status socket (no
 * token): a driver that failed (an alarm input with no GPIO), low disk (`http.diskLowBytes` above what
 * is free), an outbox over 80 % of `outbox.maxRows` while the uplink is down; and a reload that removes
 * the failed device takes its reason away.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { STATUS_SOCKET } from '../../gateway/http/server.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { buildConfig, startFixture, type Fixture } from '../support/gateway-fixture.js';
import { httpGet, waitForAnswer } from './support/http-get.js';

const UNREACHABLE = 'mqtt://127.0.0.1:1';

describe('/healthz reasons', () => {
  let fx: Fixture;
  let socketPath: string;
  let override: Record<string, unknown>;
  const reasons = async () => {
    const a = await httpGet({ socketPath }, '/healthz');
    return { status: a.status, reasons: (JSON.parse(a.body) as { reasons: { code: string; message: string }[] }).reasons };
  };

  beforeAll(async () => {
    const passwordHash = await hashPassword('panic-secret-1');
    override = {
      http: { uplinkDownSec: 3600, diskLowBytes: 2 ** 52 },
      outbox: { maxRows: 100 },
      zones: [{ name: 'market' }],
      devices: [
        { id: 'panic-east-gate', driver: 'mqtt', category: 'alarm', passwordHash },
        { id: 'pir-market', driver: 'alarm-input', zone: 'market', pin: 22, kind: 'pir' },
      ],
    };
    fx = await startFixture({ uplinkUrl: UNREACHABLE, override });
    socketPath = join(fx.dataDir, STATUS_SOCKET);
  });
  afterAll(async () => {
    await fx?.gateway.stop();
  });

  it('names a failed driver and low disk, then a backlog over 80 % of its cap', async () => {
    const first = await reasons();
    expect(first.status).toBe(503);
    expect(first.reasons.map((r) => r.code).sort()).toEqual(['disk-low', 'driver-failed']);
    expect(first.reasons.find((r) => r.code === 'driver-failed')?.message).toContain('pir-market');
    const panic = await deviceClient(fx.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    const acked = await publishBurst(panic, 'panic-east-gate', 85, (n) => ({ type: 'panic.pressed', n }), 5);
    await panic.endAsync();
    expect(acked).toHaveLength(85);
    const high = await waitForAnswer({ socketPath }, '/healthz', (a) => a.body.includes('backlog-high'), 'backlog-high');
    expect(high.status).toBe(503);
    expect(high.body).toMatch(/outbox at (8[1-9]|9\d|100) % of its cap/);
  });

  it('drops the driver reason once a reload removes that device, and names it again when a reload brings it back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vgw-hz-')), 'vgw.yaml');
    const config = await buildConfig({ uplinkUrl: UNREACHABLE, dataDir: fx.dataDir, gatewayId: fx.gatewayId, devices: [], override: { ...override, devices: (override.devices as unknown[]).slice(0, 1) } });
    writeFileSync(file, stringify(config));
    expect(await fx.gateway.reload(file)).toMatchObject({ ok: true, message: 'devices -pir-market' });
    expect((await reasons()).reasons.map((r) => r.code).sort()).toEqual(['backlog-high', 'disk-low']);
    writeFileSync(file, stringify({ ...config, devices: override.devices }));
    expect(await fx.gateway.reload(file)).toMatchObject({ ok: true, message: 'devices +pir-market' });
    expect((await reasons()).reasons.map((r) => r.code).sort()).toEqual(['backlog-high', 'disk-low', 'driver-failed']);
  });
});

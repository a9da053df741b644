/**
 * Issue 15, the OPC UA client driver against a real node-opcua server on loopback, through the child
 * process, the SQLite outbox and the township broker: a boolean alarm raises and restores; a threshold
 * with hysteresis and a deadband stays quiet on noise; a bad status is one fault; a write goes through a
 * signed command with the admin role; a server restart is survived with nothing lost; and a killed child
 * is restarted without losing an acknowledged value change.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusCodes } from 'node-opcua-client';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { TOWNSHIP } from '../support/gateway-fixture.js';
import { TownshipProbe } from '../support/township.js';
import { vgw } from '../support/vgw-cli.js';
import { startOpcuaGateway, type OpcuaGateway } from './gateway.js';
import { Plc } from './plc.js';

const admin = generateOperatorKey();
const armOnly = generateOperatorKey();

describe('opcua client driver', { timeout: 60_000 }, () => {
  const township = new EmbeddedBroker();
  const plc = new Plc();
  let gw: OpcuaGateway;
  let probe: TownshipProbe;
  const events = (type: string) => probe.events.filter((e) => e.device === 'pump-station' && e.type === type);
  const fireEvents = () => probe.events.filter((e) => e.type === 'fire.alarm' || e.type === 'fire.restored').map((e) => e.type);
  const state = () => {
    const last = probe.json('devices').filter((m) => m.topic.endsWith('/pump-station/state')).at(-1);
    return last?.body as { online: boolean; state: Record<string, unknown> } | undefined;
  };
  const stateUpdates = () => probe.json('devices').filter((m) => m.topic.endsWith('/pump-station/state')).length;

  const command = async (key: typeof admin, kid: string, params: Record<string, unknown>) => {
    const id = uuidv7();
    const now = Date.now();
    const cmd = { id, name: 'opcua.write', township: TOWNSHIP, target: gw.gatewayId, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), by: 'engineer-li', device: 'pump-station', ...params };
    await gw.gateway.testApi.handleCommand(`pingan/v1/${TOWNSHIP}/${gw.gatewayId}/cmd/opcua.write`, Buffer.from(JSON.stringify(signCommand(cmd, kid, key.privatePem))));
    await probe.waitFor(() => probe.json('replies').some((m) => m.body.id === id), 20_000, 'reply to opcua.write');
    return probe.json('replies').find((m) => m.body.id === id)!.body as { status: string; error?: { code: string; message: string } };
  };

  beforeAll(async () => {
    await Promise.all([township.start(), plc.start()]);
    probe = await TownshipProbe.connect(township.url, 'probe-opcua-client', 4);
    gw = await startOpcuaGateway({
      uplinkUrl: township.url,
      override: { commands: { operators: [{ kid: 'ops-admin', publicKey: admin.publicRaw, roles: ['admin'] }, { kid: 'ops-arm', publicKey: armOnly.publicRaw, roles: ['arm'] }] } },
      devices: [
        {
          id: 'pump-station',
          driver: 'opcua',
          category: 'alarm',
          endpoint: plc.url,
          publishingIntervalMs: 50,
          reconnectMaxMs: 1000,
          items: [
            { name: 'fire', nodeId: 'ns=1;s=Fire', samplingIntervalMs: 20, alarm: { type: 'fire.alarm', restoreType: 'fire.restored', severity: 'critical' } },
            { name: 'level', browsePath: '/1:Station/1:Level', samplingIntervalMs: 20, deadband: 0.1, threshold: { above: 3.5, hysteresis: 0.3, type: 'water.level.high', restoreType: 'water.level.normal', severity: 'major' } },
            { name: 'pump', nodeId: 'ns=1;s=Pump', samplingIntervalMs: 20, writable: true },
          ],
        },
      ],
    });
    await probe.waitFor(() => events('device.online').length === 1, 30_000, 'pump-station online');
  });

  afterAll(async () => {
    await gw?.gateway.stop();
    await probe?.close();
    await plc.stop();
    await township.stop();
  });

  it('raises a boolean alarm with its severity and restores it; current values reach devices/{id}/state', async () => {
    await probe.waitFor(() => state()?.state.level === 1 && state()?.state.fire === false, 10_000, 'first state');
    plc.set('Fire', true);
    await probe.waitFor(() => events('fire.alarm').length === 1, 10_000, 'fire.alarm');
    expect(events('fire.alarm')[0]).toMatchObject({ severity: 'critical', category: 'alarm', data: { item: 'fire', value: true } });
    plc.set('Fire', false);
    await probe.waitFor(() => events('fire.restored').length === 1, 10_000, 'fire.restored');
    expect(events('fire.restored')[0]!.severity).toBe('info');
    await probe.waitFor(() => state()?.state.fire === false && state()?.online === true, 10_000, 'state fire=false');
    expect(probe.invalid).toEqual([]);
  });

  it('a threshold with hysteresis raises once through noise at the limit; the deadband keeps noise out of the state', async () => {
    const before = stateUpdates();
    // Noise under the deadband: no state update at all.
    for (const v of [1.02, 0.98, 1.05, 0.96, 1.01]) {
      plc.set('Level', v);
      await new Promise((r) => setTimeout(r, 60));
    }
    // Rising through the limit, then noise around it that stays within the hysteresis band.
    for (const v of [2.5, 3.5, 3.3, 3.55, 3.25, 3.6, 3.21]) {
      plc.set('Level', v);
      await new Promise((r) => setTimeout(r, 80));
    }
    await probe.waitFor(() => events('water.level.high').length === 1, 10_000, 'water.level.high');
    plc.set('Level', 3.19);
    await probe.waitFor(() => events('water.level.normal').length === 1, 10_000, 'water.level.normal');
    plc.set('Level', 3.5);
    await probe.waitFor(() => events('water.level.high').length === 2, 10_000, 'second water.level.high');
    expect(events('water.level.high')[0]).toMatchObject({ severity: 'major', data: { item: 'level', value: 3.5, limit: 3.5, hysteresis: 0.3 } });
    expect(events('water.level.normal')).toHaveLength(1);
    // 8 values beyond the deadband were mirrored (2.5 ... 3.19, 3.5); none of the five under it.
    await probe.waitFor(() => state()?.state.level === 3.5, 10_000, 'level 3.5 mirrored');
    expect(stateUpdates() - before).toBeLessThanOrEqual(9);
    plc.set('Level', 1);
    await probe.waitFor(() => events('water.level.normal').length === 2, 10_000, 'back to normal');
  });

  it('a status other than Good is one device.fault per episode, cleared when Good returns', async () => {
    plc.set('Level', 1, StatusCodes.BadSensorFailure);
    await probe.waitFor(() => events('device.fault').length === 1, 10_000, 'device.fault');
    plc.set('Level', 1.5, StatusCodes.BadSensorFailure);
    plc.set('Level', 1, StatusCodes.BadSensorFailure);
    plc.set('Level', 1, StatusCodes.Good);
    await probe.waitFor(() => events('device.fault.cleared').length === 1, 10_000, 'device.fault.cleared');
    expect(events('device.fault')).toHaveLength(1);
    expect(events('device.fault')[0]!.data).toMatchObject({ fault: 'opcua-status', item: 'level', status: 'BadSensorFailure' });
  });

  it('writes a value through the signed opcua.write command (role admin); a key without admin is refused', async () => {
    expect(await command(armOnly, 'ops-arm', { item: 'pump', value: true })).toMatchObject({ status: 'rejected', error: { code: 'forbidden' } });
    expect(plc.get('Pump')).toBe(false);
    expect(await command(admin, 'ops-admin', { item: 'pump', value: true })).toMatchObject({ status: 'done' });
    expect(plc.get('Pump')).toBe(true);
    await probe.waitFor(() => state()?.state.pump === true, 10_000, 'pump=true mirrored');
    // The operator's tool: `vgw send opcua.write` signs it the same way.
    const keyFile = join(mkdtempSync(join(tmpdir(), 'vgw-opcua-key-')), 'ops.key');
    writeFileSync(keyFile, admin.privatePem, { mode: 0o600 });
    const sent = await vgw(['send', 'opcua.write', '--device', 'pump-station', '--item', 'pump', '--value', 'false', '--broker', township.url, '--protocol', '4', '--township', TOWNSHIP, '--target', gw.gatewayId, '--key', keyFile, '--kid', 'ops-admin', '--timeout', '20']);
    expect(sent.stdout).toMatch(/^370283104-opcua-01 {2}done/m);
    expect(plc.get('Pump')).toBe(false);
    const refused = await command(admin, 'ops-admin', { item: 'fire', value: true });
    expect(refused).toMatchObject({ status: 'failed' });
    expect(refused.error?.message).toMatch(/item "fire" of "pump-station" is not writable; writable items: pump/);
  });

  it('survives a server restart: offline, online again, events continue and none is lost', async () => {
    await plc.stop();
    await probe.waitFor(() => events('device.offline').length === 1, 20_000, 'device.offline');
    plc.set('Fire', true); // changed while the server is down: its new state is what the restarted server holds
    await plc.start();
    await probe.waitFor(() => events('device.online').length === 2, 30_000, 'device.online again');
    await probe.waitFor(() => fireEvents().at(-1) === 'fire.alarm', 10_000, 'fire.alarm after the restart');
    plc.set('Fire', false);
    await probe.waitFor(() => fireEvents().at(-1) === 'fire.restored', 10_000, 'fire.restored after the restart');
    expect(fireEvents()).toEqual(['fire.alarm', 'fire.restored', 'fire.alarm', 'fire.restored']);
    expect(gw.gateway.inspect().failedComponents).toEqual([]);
  });

  it('a killed child is restarted; every acknowledged change is committed and the state after it matches the server', async () => {
    const start = fireEvents().length;
    const firstPid = gw.host.pid;
    expect(firstPid).toBeGreaterThan(0);
    let value = false;
    const toggle = async (n: number) => {
      for (let i = 0; i < n; i++) {
        value = !value;
        plc.set('Fire', value);
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    await toggle(6);
    process.kill(firstPid!, 'SIGKILL');
    await toggle(5); // while the child is down and starting again: only the last of these is still held by the server
    await probe.waitFor(() => events('device.fault').some((e) => e.data.fault === 'opcua-child'), 10_000, 'device.fault of the child');
    await probe.waitFor(() => gw.host.pid !== undefined && gw.host.pid !== firstPid, 30_000, 'a new child');
    await probe.waitFor(() => events('device.online').length === 3, 30_000, 'online after the child restart');
    await toggle(2);
    await probe.waitFor(() => fireEvents().at(-1) === (value ? 'fire.alarm' : 'fire.restored') && state()?.state.fire === value, 15_000, 'final state');
    const seen = fireEvents().slice(start);
    // Alternating, never twice the same: no committed change is missing and none was doubled.
    for (let i = 1; i < seen.length; i++) expect(seen[i], `event ${i} of ${seen.join(',')}`).not.toBe(seen[i - 1]);
    expect(seen.length).toBeGreaterThanOrEqual(6 + 2);
    expect(gw.host.restarts).toBe(1);
    expect(gw.gateway.inspect().failedComponents).toEqual([]);
  });
});

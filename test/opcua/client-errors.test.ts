/**
 * Issue 15: a wrong endpoint, a refused login, an untrusted certificate, a NodeId the server does not
 * have and a missing password file
 * each give one `device.fault` whose message names the device and the fix, the device reads degraded,
 * and the rest of the gateway keeps running (a LAN panic button's event is still committed and sent).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient } from '../support/devices.js';
import { freePort } from '../support/ports.js';
import { TownshipProbe } from '../support/township.js';
import { startOpcuaGateway, type OpcuaGateway } from './gateway.js';
import { Plc } from './plc.js';

describe('opcua connection errors', { timeout: 60_000 }, () => {
  const township = new EmbeddedBroker();
  // A server that wants a user and trusts no certificate it has not been given.
  const plc = new Plc({ users: { operator: 'right-password' }, acceptUnknownClients: false });
  let gw: OpcuaGateway;
  let probe: TownshipProbe;
  const faults = (device: string) => probe.events.filter((e) => e.device === device && e.type === 'device.fault');
  const item = { name: 'fire', nodeId: 'ns=1;s=Fire', alarm: { type: 'fire.alarm', restoreType: 'fire.restored' } };

  beforeAll(async () => {
    await Promise.all([township.start(), plc.start()]);
    probe = await TownshipProbe.connect(township.url, 'probe-opcua-errors', 4);
    const dir = (await import('node:os')).tmpdir();
    const wrong = join(dir, `vgw-opcua-wrong-${process.pid}`);
    const right = join(dir, `vgw-opcua-right-${process.pid}`);
    writeFileSync(wrong, 'not-the-password\n');
    writeFileSync(right, 'right-password\n');
    chmodSync(wrong, 0o600);
    chmodSync(right, 0o600);
    const closed = await freePort();
    gw = await startOpcuaGateway({
      uplinkUrl: township.url,
      lanDevices: [{ id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' }],
      devices: [
        { id: 'fire-panel-a', driver: 'opcua', endpoint: `opc.tcp://127.0.0.1:${closed}`, reconnectMaxMs: 1000, items: [item] },
        { id: 'fire-panel-b', driver: 'opcua', endpoint: plc.url, user: 'operator', passwordFile: wrong, reconnectMaxMs: 1000, items: [item] },
        { id: 'fire-panel-c', driver: 'opcua', endpoint: plc.url, user: 'operator', passwordFile: right, security: { mode: 'SignAndEncrypt', policy: 'Basic256Sha256' }, reconnectMaxMs: 1000, items: [item] },
        { id: 'fire-panel-e', driver: 'opcua', endpoint: plc.url, user: 'operator', passwordFile: right, reconnectMaxMs: 1000, items: [{ ...item, nodeId: 'ns=1;s=NoSuchNode' }] },
        { id: 'fire-panel-d', driver: 'opcua', endpoint: plc.url, user: 'operator', passwordFile: join(dir, 'no-such-password-file'), items: [item] },
      ],
    });
  });

  afterAll(async () => {
    await gw?.gateway.stop();
    await probe?.close();
    await plc.stop();
    await township.stop();
  });

  it('names the device and the fix for each, once per episode, and keeps the gateway running', async () => {
    await probe.waitFor(() => ['fire-panel-a', 'fire-panel-b', 'fire-panel-c', 'fire-panel-e'].every((d) => faults(d).length > 0), 40_000, 'a fault of each unreachable device');
    const message = (d: string) => String(faults(d)[0]!.data.message);
    expect(message('fire-panel-a')).toMatch(/device "fire-panel-a" \(opc\.tcp:\/\/127\.0\.0\.1:\d+\): connection refused; check devices\[\]\.endpoint \(host and port\) and that the OPC UA server is running/);
    expect(message('fire-panel-b')).toMatch(/device "fire-panel-b" .*the server refused the login of user "operator" .*check devices\[\]\.user and the password in its passwordFile/);
    expect(message('fire-panel-b')).not.toContain('not-the-password');
    expect(message('fire-panel-c')).toMatch(/device "fire-panel-c" .*the server does not trust the gateway's certificate; on the server, trust .*opcua-pki\/client\/own\/certs\/client_certificate\.pem/);
    expect(message('fire-panel-e')).toMatch(/device "fire-panel-e": item "fire" \(ns=1;s=NoSuchNode\) cannot be monitored: BadNodeIdUnknown.*find the right NodeId with `vgw opcua browse`/);
    // The gateway's application certificate was made under its data dir, not ~/.config.
    expect(message('fire-panel-c')).toContain(gw.dataDir);
    // The password file that is missing fails that device's start alone, with the key and the fix.
    expect(gw.gateway.inspect().failedComponents).toEqual([{ name: 'driver fire-panel-d', message: expect.stringMatching(/device "fire-panel-d": passwordFile ".*no-such-password-file" cannot be read \(ENOENT\); write the OPC UA user's password there/) }]);
    expect(gw.logs.lines.filter((l) => l.msg === 'opcua device unreachable').map((l) => l.device)).toEqual(expect.arrayContaining(['fire-panel-a', 'fire-panel-b', 'fire-panel-c']));

    // Retries go on (backoff up to 1 s here) but are not stored again: one fault per device.
    await new Promise((r) => setTimeout(r, 2500));
    for (const d of ['fire-panel-a', 'fire-panel-b', 'fire-panel-c', 'fire-panel-e']) expect(faults(d), d).toHaveLength(1);
    const degraded = probe.json('devices').filter((m) => m.topic.endsWith('/fire-panel-a/state')).at(-1)?.body;
    expect(degraded).toMatchObject({ online: false, health: { status: 'degraded', detail: expect.stringContaining('connection refused') } });

    // The rest of the gateway: a LAN panic button's event is committed and reaches the township.
    const lan = await deviceClient(gw.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    await lan.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed' }), { qos: 1 });
    await probe.waitFor(() => probe.events.some((e) => e.device === 'panic-east-gate' && e.type === 'panic.pressed'), 10_000, 'the LAN event');
    await lan.endAsync();
    expect(probe.invalid).toEqual([]);
  });
});

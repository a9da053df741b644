/**
 * Issue 15, the gateway's own OPC UA server: a SCADA client (node-opcua over SignAndEncrypt with a
 * user and password) reads a zone's state, calls Arm and sees it armed, and the change shows on MQTT
 * as the `zone.armed` event and a command reply; a user without the role is refused and nothing
 * changes; anonymous sessions, wrong passwords and the unsecured endpoint are refused; a killed child
 * is restarted and the server comes back with the current values.
 */
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { AttributeIds, DataType, MessageSecurityMode, OPCUAClient, SecurityPolicy, UserTokenType, type ClientSession, type UserIdentityInfo } from 'node-opcua-client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient } from '../support/devices.js';
import { freePort } from '../support/ports.js';
import { TownshipProbe } from '../support/township.js';
import { startOpcuaGateway, type OpcuaGateway } from './gateway.js';

const clientPki = mkdtempSync(join(tmpdir(), 'vgw-scada-pki-'));

describe("the gateway's OPC UA server", { timeout: 60_000 }, () => {
  const township = new EmbeddedBroker();
  let gw: OpcuaGateway;
  let probe: TownshipProbe;
  let url = '';
  const clients: OPCUAClient[] = [];

  const session = async (identity: UserIdentityInfo, mode: 'SignAndEncrypt' | 'None' = 'SignAndEncrypt'): Promise<ClientSession> => {
    const manager = new OPCUACertificateManager({ rootFolder: clientPki, automaticallyAcceptUnknownCertificate: true });
    const client = OPCUAClient.create({ applicationName: 'county-scada', endpointMustExist: false, clientCertificateManager: manager, securityMode: MessageSecurityMode[mode], securityPolicy: mode === 'None' ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256, connectionStrategy: { maxRetry: 0 } });
    clients.push(client);
    await client.connect(url);
    return client.createSession(identity);
  };
  const user = (name: string, password: string): UserIdentityInfo => ({ type: UserTokenType.UserName, userName: name, password });
  const read = async (s: ClientSession, path: string) => (await s.read({ nodeId: `ns=1;s=Village.${path}`, attributeId: AttributeIds.Value })).value.value as unknown;
  const call = (s: ClientSession, method: string, args: { dataType: DataType; value: unknown }[]) => s.call({ objectId: 'ns=1;s=Village', methodId: `ns=1;s=Village.${method}`, inputArguments: args });
  const until = async (what: string, predicate: () => Promise<boolean> | boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!(await predicate())) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-opcua-server', 4);
    const port = await freePort();
    url = `opc.tcp://127.0.0.1:${port}`;
    gw = await startOpcuaGateway({
      uplinkUrl: township.url,
      lanDevices: [{ id: 'panic-east-gate', password: 'panic-secret-1', category: 'alarm' }],
      devices: [],
      override: {
        zones: [{ name: 'east-gate' }, { name: 'market' }],
        opcuaServer: {
          enabled: true,
          host: '127.0.0.1',
          port,
          acceptUnknownClients: true,
          users: [
            { name: 'scada-county', passwordHash: await hashPassword('county-secret'), roles: ['arm'] },
            { name: 'scada-viewer', passwordHash: await hashPassword('viewer-secret'), roles: ['broadcast'] },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    for (const c of clients) await c.disconnect().catch(() => {});
    await gw?.gateway.stop();
    await probe?.close();
    await township.stop();
  });

  it('shows zones, devices and the outbox; Arm by a user with the role arms the zone, and MQTT shows it', async () => {
    const s = await session(user('scada-county', 'county-secret'));
    expect(await read(s, 'Zones.east-gate.Armed')).toBe(false);
    expect(await read(s, 'Zones.east-gate.Alarm')).toBe(false);
    expect(typeof (await read(s, 'Gateway.OutboxBacklog'))).toBe('number');
    expect(await read(s, 'Loudspeakers.QueueLength')).toBe(0);
    expect(await read(s, 'Devices.panic-east-gate.Online')).toBe(false);
    const lan = await deviceClient(gw.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    await until('Devices.panic-east-gate.Online', async () => (await read(s, 'Devices.panic-east-gate.Online')) === true);
    await lan.endAsync();

    const result = await call(s, 'Arm', [{ dataType: DataType.String, value: 'east-gate' }]);
    expect(result.statusCode.name).toBe('Good');
    const text = String(result.outputArguments?.[0]?.value);
    expect(text).toMatch(/^done \(command [0-9a-f-]{36}\)$/);
    expect(gw.gateway.testApi.isArmed('east-gate')).toBe(true);
    await until('Zones.east-gate.Armed = true', async () => (await read(s, 'Zones.east-gate.Armed')) === true);
    // On MQTT: the zone.armed event with the operator, and the command's reply, like a signed command.
    await probe.waitFor(() => probe.events.some((e) => e.type === 'zone.armed' && e.data.zone === 'east-gate'), 10_000, 'zone.armed on MQTT');
    expect(probe.events.find((e) => e.type === 'zone.armed')!.data).toMatchObject({ by: 'command', operator: 'scada-county' });
    const id = /command ([0-9a-f-]{36})/.exec(text)![1];
    await probe.waitFor(() => probe.json('replies').some((m) => m.body.id === id && m.body.status === 'done'), 10_000, 'the reply on MQTT');
    expect(gw.logs.lines.some((l) => l.msg === 'command accepted' && l.by === 'scada-county' && l.via === 'opcua' && l.name === 'zone.arm')).toBe(true);
    expect(probe.invalid).toEqual([]);
  });

  it('a user lacking the role is refused and nothing changes', async () => {
    const s = await session(user('scada-viewer', 'viewer-secret'));
    const result = await call(s, 'Arm', [{ dataType: DataType.String, value: 'market' }]);
    expect(result.statusCode.name).toBe('BadUserAccessDenied');
    expect(String(result.outputArguments?.[0]?.value)).toMatch(/operator "scada-viewer" lacks the role "arm" that zone.arm needs/);
    expect(gw.gateway.testApi.isArmed('market')).toBe(false);
    expect(await read(s, 'Zones.market.Armed')).toBe(false);
    const bad = await call(s, 'Disarm', [{ dataType: DataType.String, value: 'no-such-zone' }]);
    expect(bad.statusCode.name).toBe('BadUserAccessDenied');
    await probe.waitFor(() => probe.events.some((e) => e.type === 'system.command.rejected' && e.data.kid === 'opcua:scada-viewer'), 15_000, 'the rejection report');
    expect(probe.invalid).toEqual([]);
  });

  it('refuses anonymous sessions, a wrong password and the unsecured endpoint', async () => {
    // The server offers no anonymous token policy at all (allowAnonymous: false).
    await expect(session({ type: UserTokenType.Anonymous })).rejects.toThrow(/Cannot find ANONYMOUS user token policy|BadIdentityToken/);
    await expect(session(user('scada-county', 'guess'))).rejects.toThrow(/BadUserAccessDenied|BadIdentityToken/);
    await expect(session(user('scada-county', 'county-secret'), 'None')).rejects.toThrow();
    expect(gw.logs.lines.some((l) => l.msg === 'opcua login refused' && l.user === 'scada-county')).toBe(true);
    expect(JSON.stringify(gw.logs.lines)).not.toContain('guess');
  });
  it('is served again, with the current values, after its child process is killed', async () => {
    const pid = gw.host.pid!;
    process.kill(pid, 'SIGKILL');
    await until('a new child', () => gw.host.pid !== undefined && gw.host.pid !== pid, 30_000);
    await until('the server answering with the armed zone', async () => {
      try {
        return (await read(await session(user('scada-county', 'county-secret')), 'Zones.east-gate.Armed')) === true;
      } catch {
        return false;
      }
    }, 30_000);
    expect(gw.host.restarts).toBe(1);
    expect(gw.gateway.inspect().failedComponents).toEqual([]);
  });
});

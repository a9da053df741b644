/**
 * Issue 13 item 4, the non-device sections: one reload makes a new operator key valid, adds a zone
 * that can then be armed, and changes a severity map, all on the same township session; a reload
 * that changes nothing reports "nothing changed".
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { deviceClient } from '../support/devices.js';
import { buildConfig, DEFAULT_DEVICES, startFixture, TOWNSHIP, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';

describe.runIf(requireTools('mosquitto'))('reload of operators, zones and severity maps', () => {
  const broker = new Mosquitto();
  const key = generateOperatorKey();
  const file = join(mkdtempSync(join(tmpdir(), 'vgw-reload-')), 'vgw.yaml');
  let fx: Fixture;
  let probe: TownshipProbe;
  const births = () => probe.json('status').filter((m) => m.body.online === true).length;
  const command = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const now = Date.now();
    const c = { id: uuidv7(), name, township: TOWNSHIP, target: fx.gatewayId, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), by: 'ops-li', ...extra };
    await fx.gateway.testApi.handleCommand(fx.gateway.topics.commandFilters[0]?.replace('#', name) ?? '', Buffer.from(JSON.stringify(signCommand(c, 'ops-li', key.privatePem))));
    await probe.waitFor(() => probe.json('replies').some((r) => r.body.id === c.id), 10_000, `the reply to ${name}`);
    const reply = probe.json('replies').find((r) => r.body.id === c.id)?.body as { status: string; error?: { code: string } };
    return reply.error ? `${reply.status}/${reply.error.code}` : reply.status;
  };
  const configWith = async (override: Record<string, unknown>) => {
    const c = await buildConfig({ uplinkUrl: broker.url, dataDir: fx.dataDir, gatewayId: fx.gatewayId, devices: DEFAULT_DEVICES, override });
    writeFileSync(file, stringify(c));
  };

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-reload-sections');
    fx = await startFixture({ uplinkUrl: broker.url });
    await probe.waitFor(() => births() === 1, 10_000, 'the birth');
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await probe?.close();
    await broker.stop();
  });

  it('takes a new operator, a new zone and a new severity without a new session', async () => {
    expect(await command('ping')).toBe('rejected/unknown-key');
    await configWith({
      commands: { operators: [{ kid: 'ops-li', publicKey: key.publicRaw, roles: ['arm'] }] },
      zones: [{ name: 'east-gate' }],
      severity: { default: 'info', types: { 'panic.pressed': 'minor', 'door.forced': 'major' } },
    });
    const outcome = await fx.gateway.reload(file);
    expect(outcome).toMatchObject({ ok: true, message: 'zones; severity; operators' });
    expect(await command('ping')).toBe('done');
    expect(await command('zone.arm', { zones: ['east-gate'] })).toBe('done');
    expect(fx.gateway.testApi.isArmed('east-gate')).toBe(true);
    expect(fx.gateway.ops.status().zones).toEqual([{ zone: 'east-gate', armed: true }]);
    const panic = await deviceClient(fx.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    await panic.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed', n: 1 }), { qos: 1 });
    await panic.endAsync();
    await probe.waitFor(() => probe.events.some((e) => e.type === 'panic.pressed'), 10_000, 'the press');
    expect(probe.events.find((e) => e.type === 'panic.pressed')?.severity).toBe('minor');
    expect(births()).toBe(1);
    expect(fx.gateway.inspect().reconnects).toBe(0);
  });

  it('says "nothing changed" for the same file, and the operator key goes with the next reload that drops it', async () => {
    expect(await fx.gateway.reload(file)).toMatchObject({ ok: true, message: 'nothing changed' });
    await configWith({ zones: [{ name: 'east-gate' }], severity: { default: 'info', types: { 'panic.pressed': 'minor', 'door.forced': 'major' } } });
    expect(await fx.gateway.reload(file)).toMatchObject({ ok: true, message: 'operators' });
    expect(await command('ping')).toBe('rejected/unknown-key');
    expect(fx.gateway.ops.status().reload).toMatchObject({ ok: true, message: 'operators' });
    expect(probe.invalid).toEqual([]);
  });
});

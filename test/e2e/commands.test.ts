/**
 * Commands from the township over a real Mosquitto (MQTT 5): signature, key, role, topic, expiry,
 * replay (also after a restart) and malformed input each get their reply code, are counted and
 * reported, and the gateway keeps answering good commands.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { TOWNSHIP, startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';

const GW = '370283104-cmd-01';
const door = generateOperatorKey();
const stranger = generateOperatorKey();

function command(name: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return { id: uuidv7(), name, township: TOWNSHIP, target: GW, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), by: 'test-operator', ...extra };
}
const topicFor = (target: string, name: string) => `pingan/v1/${TOWNSHIP}/${target}/cmd/${name}`;

describe.runIf(requireTools('mosquitto'))('command authentication and replies', () => {
  const broker = new Mosquitto({ persistence: true });
  let fx: Fixture;
  let probe: TownshipProbe;
  let operator: MqttClient;
  const armed: string[] = [];

  const start = async (dataDir?: string) => {
    fx = await startFixture({ uplinkUrl: broker.url, gatewayId: GW, dataDir, override: { commands: { operators: [{ kid: 'ops-door', publicKey: door.publicRaw, roles: ['door'] }, { kid: 'ops-arm', publicKey: door.publicPem, roles: ['arm'] }] } } });
    fx.gateway.testApi.registerCommand('zone.arm', { role: 'arm', params: z.object({ zones: z.array(z.string()).min(1) }).strict(), run: async (c) => void armed.push(...(c.params.zones as string[])) });
    await probe.waitFor(() => fx.gateway.inspect().commandsReady, 10_000, 'command subscription');
  };
  const reply = async (id: string) => {
    await probe.waitFor(() => probe.json('replies').some((m) => m.body.id === id), 10_000, `reply to ${id}`);
    return probe.json('replies').filter((m) => m.body.id === id).map((m) => m.body);
  };
  const send = (topic: string, payload: string | object) => operator.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-cmd');
    operator = await connectAsync(broker.url, { protocolVersion: 5 });
    await start();
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await operator?.endAsync();
    await probe?.close();
    await broker.stop();
  });

  it('executes a signed ping and also answers on the MQTT 5 response topic', async () => {
    const c = command('ping');
    const copies: { payload: string; correlation: string | undefined }[] = [];
    await operator.subscribeAsync('ops/responses/#', { qos: 1 });
    operator.on('message', (topic, payload, packet) => {
      if (topic === 'ops/responses/1') copies.push({ payload: payload.toString(), correlation: packet.properties?.correlationData?.toString() });
    });
    await operator.publishAsync(topicFor(GW, 'ping'), JSON.stringify(signCommand(c, 'ops-door', door.privatePem)), { qos: 1, properties: { responseTopic: 'ops/responses/1', correlationData: Buffer.from('corr-42') } });
    expect((await reply(c.id)).map((r) => r.status)).toEqual(['done']);
    await probe.waitFor(() => copies.length === 1, 5000, 'response topic copy');
    expect(copies[0]).toMatchObject({ correlation: 'corr-42' });
    expect(JSON.parse(copies[0]!.payload)).toMatchObject({ id: c.id, status: 'done' });
  });

  it('answers a township-wide ping addressed to all', async () => {
    const c = command('ping', { target: 'all' });
    await send(topicFor('all', 'ping'), signCommand(c, 'ops-door', door.privatePem));
    expect((await reply(c.id))[0]).toMatchObject({ status: 'done' });
  });

  it.each([
    ['unsigned', () => { const c = command('ping'); return { c, payload: c }; }],
    ['unknown-key', () => { const c = command('ping'); return { c, payload: signCommand(c, 'ops-nobody', stranger.privatePem) }; }],
    ['bad-signature', () => { const c = command('ping'); return { c, payload: signCommand(c, 'ops-door', stranger.privatePem) }; }],
    ['bad-signature', () => { const c = command('ping'); const env = signCommand(c, 'ops-door', door.privatePem); return { c, payload: { ...env, cmd: env.cmd.replace('test-operator', 'test-operat0r') } }; }],
    ['forbidden', () => { const c = command('zone.arm', { zones: ['east'] }); return { c, payload: signCommand(c, 'ops-door', door.privatePem), topic: topicFor(GW, 'zone.arm') }; }],
    ['misdirected', () => { const c = command('ping', { target: '370283104-other-02' }); return { c, payload: signCommand(c, 'ops-door', door.privatePem) }; }],
    ['misdirected', () => { const c = command('ping'); return { c, payload: signCommand(c, 'ops-arm', door.privatePem), topic: topicFor(GW, 'zone.arm') }; }],
    ['expired', () => { const c = command('ping', { expiresAt: new Date(Date.now() - 1000).toISOString() }); return { c, payload: signCommand(c, 'ops-door', door.privatePem) }; }],
    ['invalid', () => { const c = command('ping', { issuedAt: 'yesterday' }); return { c, payload: signCommand(c, 'ops-door', door.privatePem) }; }],
    ['invalid', () => { const c = command('zone.arm', { zones: [] }); return { c, payload: signCommand(c, 'ops-arm', door.privatePem), topic: topicFor(GW, 'zone.arm') }; }],
    ['invalid', () => { const c = command('door.explode'); return { c, payload: signCommand(c, 'ops-door', door.privatePem), topic: topicFor(GW, 'door.explode') }; }],
  ])('rejects %s', async (code, make) => {
    const { c, payload, topic } = make() as { c: { id: string; name: string }; payload: object; topic?: string };
    const before = fx.gateway.inspect().commands.rejected;
    await send(topic ?? topicFor(GW, c.name), payload);
    const replies = await reply(c.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ id: c.id, status: 'rejected', error: { code } });
    expect(String((replies[0]!.error as { message: string }).message).length).toBeGreaterThan(10);
    expect(fx.gateway.inspect().commands.rejected).toBe(before + 1);
    await probe.waitFor(() => probe.events.some((e) => e.type === 'system.command.rejected' && e.data.commandId === c.id && e.data.code === code), 5000, 'rejection report');
  });

  it('executes an authorised command once, refuses its replay, also after a restart', async () => {
    const c = command('zone.arm', { zones: ['east-gate'] });
    const envelope = signCommand(c, 'ops-arm', door.privatePem);
    await send(topicFor(GW, 'zone.arm'), envelope);
    await probe.waitFor(() => probe.json('replies').some((m) => m.body.id === c.id), 5000, 'first reply');
    await send(topicFor(GW, 'zone.arm'), envelope);
    await probe.waitFor(() => probe.json('replies').filter((m) => m.body.id === c.id).length === 2, 5000, 'replay reply');
    const dataDir = fx.dataDir;
    await fx.gateway.stop();
    await start(dataDir);
    await send(topicFor(GW, 'zone.arm'), envelope);
    await probe.waitFor(() => probe.json('replies').filter((m) => m.body.id === c.id).length === 3, 10_000, 'replay reply after restart');
    expect(probe.json('replies').filter((m) => m.body.id === c.id).map((m) => [m.body.status, (m.body.error as { code?: string } | undefined)?.code])).toEqual([['done', undefined], ['rejected', 'replayed'], ['rejected', 'replayed']]);
    expect(armed).toEqual(['east-gate']);
  });

  it('reports malformed payloads that carry no id, and keeps serving', async () => {
    await send(topicFor(GW, 'ping'), 'this is not json');
    await probe.waitFor(() => probe.events.some((e) => e.type === 'system.command.rejected' && e.data.code === 'invalid' && e.data.commandId === undefined), 5000, 'malformed report');
    const c = command('ping');
    await send(topicFor(GW, 'ping'), signCommand(c, 'ops-door', door.privatePem));
    expect((await reply(c.id))[0]).toMatchObject({ status: 'done' });
    expect(probe.invalid).toEqual([]);
  });
});

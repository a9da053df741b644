/**
 * Issue 8, findings 3 and 14b, over a real Mosquitto (MQTT 5): a command payload above
 * `commands.maxPayloadBytes` is refused before it is parsed (no reply id is read from it; counted and
 * reported), and the MQTT 5 response topic is used only for verified commands and never inside the
 * contract tree (any case), on `$` topics or with wildcards.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { TOWNSHIP, startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';

const GW = '370283104-cmdlim-01';
const key = generateOperatorKey();
const LIMIT = 64 * 1024;

function command(name: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return { id: uuidv7(), name, township: TOWNSHIP, target: GW, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), by: 'test-operator', ...extra };
}
const PING_TOPIC = `pingan/v1/${TOWNSHIP}/${GW}/cmd/ping`;
/** A signed ping whose envelope is padded with JSON whitespace to `bytes`: valid, only too big. */
function paddedPing(bytes: number): { id: string; payload: string } {
  const c = command('ping');
  const text = JSON.stringify(signCommand(c, 'ops-a', key.privatePem));
  return { id: c.id, payload: `${text.slice(0, -1)}${' '.repeat(Math.max(0, bytes - text.length))}}` };
}

describe.runIf(requireTools('mosquitto'))('command intake limits and response topics', () => {
  const broker = new Mosquitto();
  let fx: Fixture;
  let probe: TownshipProbe;
  let operator: MqttClient;
  const copies: { topic: string; body: { id?: string } }[] = [];

  const replies = (id: string) => probe.json('replies').filter((m) => m.body.id === id).map((m) => m.body);
  const rejectionReports = () => probe.events.filter((e) => e.type === 'system.command.rejected');

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-cmdlim');
    operator = await connectAsync(broker.url, { protocolVersion: 5 });
    operator.on('message', (topic, payload) => {
      // Everything but the durable replies and the downlink itself: where a reply copy could land.
      const kind = topic.split('/')[4];
      if (topic.startsWith('pingan/') && (kind === 'replies' || kind === 'cmd')) return;
      try {
        copies.push({ topic, body: JSON.parse(payload.toString()) as { id?: string } });
      } catch {
        copies.push({ topic, body: {} });
      }
    });
    await operator.subscribeAsync(['ops/#', 'Pingan/#', 'PINGAN/#', 'pingan/#'], { qos: 1 });
    fx = await startFixture({ uplinkUrl: broker.url, gatewayId: GW, override: { commands: { operators: [{ kid: 'ops-a', publicKey: key.publicRaw, roles: ['admin'] }] } } });
    await probe.waitFor(() => fx.gateway.inspect().commandsReady, 10_000, 'command subscription');
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await operator?.endAsync();
    await probe?.close();
    await broker.stop();
  });

  it('refuses an oversize command payload before parsing it: no reply, counted and reported', async () => {
    const small = paddedPing(LIMIT - 1024);
    await operator.publishAsync(PING_TOPIC, small.payload, { qos: 1 });
    await probe.waitFor(() => replies(small.id).length === 1, 10_000, 'reply to the padded ping under the limit');
    expect(replies(small.id)[0]).toMatchObject({ status: 'done' });

    const rejectedBefore = fx.gateway.inspect().commands.rejected;
    const big = paddedPing(1024 * 1024);
    await operator.publishAsync(PING_TOPIC, big.payload, { qos: 1 });
    await probe.waitFor(() => rejectionReports().some((e) => e.data.code === 'invalid' && e.data.reason === 'too-large'), 10_000, 'too-large rejection report');
    const report = rejectionReports().find((e) => e.data.reason === 'too-large')!;
    expect(report.data).toMatchObject({ code: 'invalid', reason: 'too-large', count: 1, bytes: big.payload.length });
    expect(report.data.commandId).toBeUndefined(); // nothing was read from the payload
    expect(fx.gateway.inspect().commands.rejected).toBe(rejectedBefore + 1);
    // A good command after it is still answered; the big one never is.
    const after = command('ping');
    await operator.publishAsync(PING_TOPIC, JSON.stringify(signCommand(after, 'ops-a', key.privatePem)), { qos: 1 });
    await probe.waitFor(() => replies(after.id).length === 1, 10_000, 'reply to the ping after the big one');
    expect(replies(big.id)).toEqual([]);
    expect(fx.gateway.inspect().commands.executed).toBeGreaterThanOrEqual(2);
    expect(probe.invalid).toEqual([]);
  });

  it('answers on the response topic only for verified commands, never in the contract tree, on $ topics or with wildcards', async () => {
    const sent: { id: string; responseTopic: string }[] = [];
    const unsigned = command('ping');
    sent.push({ id: unsigned.id, responseTopic: 'ops/responses/unsigned' });
    await operator.publishAsync(PING_TOPIC, JSON.stringify(unsigned), { qos: 1, properties: { responseTopic: 'ops/responses/unsigned', correlationData: Buffer.from('u') } });
    const badSig = command('ping');
    sent.push({ id: badSig.id, responseTopic: 'ops/responses/bad-signature' });
    await operator.publishAsync(PING_TOPIC, JSON.stringify(signCommand(badSig, 'ops-a', generateOperatorKey().privatePem)), { qos: 1, properties: { responseTopic: 'ops/responses/bad-signature' } });
    for (const rt of [`Pingan/v1/${TOWNSHIP}/${GW}/events/alarm`, `PINGAN/v1/${TOWNSHIP}/${GW}/events/alarm`, `pingan/v1/${TOWNSHIP}/${GW}/events/alarm`, '$SYS/broker/x']) {
      const c = command('ping');
      sent.push({ id: c.id, responseTopic: rt });
      await operator.publishAsync(PING_TOPIC, JSON.stringify(signCommand(c, 'ops-a', key.privatePem)), { qos: 1, properties: { responseTopic: rt } });
    }
    for (const s of sent) await probe.waitFor(() => replies(s.id).length === 1, 10_000, `reply to ${s.responseTopic}`);
    // A verified command with a fair response topic is answered there; copies go out in order, so
    // once this one is in, any copy of the earlier ones would be too.
    const good = command('ping');
    await operator.publishAsync(PING_TOPIC, JSON.stringify(signCommand(good, 'ops-a', key.privatePem)), { qos: 1, properties: { responseTopic: 'ops/responses/good', correlationData: Buffer.from('g') } });
    await probe.waitFor(() => copies.some((c) => c.body.id === good.id), 10_000, 'copy on the fair response topic');
    expect(copies.filter((c) => sent.some((s) => s.id === c.body.id)).map((c) => c.topic)).toEqual([]);
    expect(copies.filter((c) => c.body.id === good.id).map((c) => c.topic)).toEqual(['ops/responses/good']);
    expect(replies(unsigned.id)[0]).toMatchObject({ status: 'rejected', error: { code: 'unsigned' } });
  });
});

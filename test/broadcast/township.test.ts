/**
 * A township-wide notice over a real Mosquitto (MQTT 5): one signed `broadcast` on `all/cmd/broadcast`
 * reaches two village gateways, each plays it on its own loudspeaker and answers accepted, then done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { Operator, broadcastEvents, outcome, startVillage, type Village } from './support.js';

const VILLAGES = ['370283104-xiejiayu-01', '370283104-nanling-01'];

describe.runIf(requireTools('mosquitto'))('township-wide broadcast', () => {
  const broker = new Mosquitto();
  let probe: TownshipProbe;
  let op: Operator;
  const villages: Village[] = [];

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-township');
    op = await Operator.connect(broker.url, 5);
    for (const id of VILLAGES) villages.push(await startVillage({ uplinkUrl: broker.url, gatewayId: id, protocolVersion: 5 }));
    await probe.waitFor(() => villages.every((v) => v.gateway.inspect().commandsReady), 10_000, 'both command subscriptions');
  });
  afterAll(async () => {
    for (const v of villages) await v.gateway.stop();
    await op?.close();
    await probe?.close();
    await broker.stop();
  });

  it('reaches every village; each plays it and replies accepted, then done', async () => {
    const text = '全镇通知：近期电信诈骗高发，请勿向陌生人转账';
    const id = await op.send('broadcast', 'all', { text });
    for (const v of villages) {
      expect((await outcome(probe, id, 10_000, v.gatewayId)).map((r) => r.status)).toEqual(['accepted', 'done']);
      expect(v.audio.plays.filter((p) => p.label === `text:${text}` && p.completed)).toHaveLength(1);
      // Broadcast events come from the gateway itself (device = gateway id): per village, what was heard.
      expect(broadcastEvents(probe, id, v.gatewayId)).toEqual(['broadcast.queued', 'broadcast.started', 'broadcast.finished']);
    }
    expect(probe.invalid).toEqual([]);
  });
});

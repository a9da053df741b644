/**
 * The two other ways a notice reaches people: an IP speaker module on the village LAN (play and stop
 * on its `dev/{device}/cmd`), and an amplifier powered through the relay output driver on (simulated)
 * GPIO — on, warmed up, before the first sound; off after the idle time.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { SimulatedAudio } from '../../device-drivers/loudspeaker/sim-audio.js';
import { SimulatedSpeech } from '../../device-drivers/loudspeaker/sim-speech.js';
import { SimulatedAmplifierPower } from '../../device-drivers/loudspeaker/amplifier.js';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient } from '../support/devices.js';
import { TownshipProbe } from '../support/township.js';
import { Operator, outcome, startVillage, type Village } from './support.js';

describe('loudspeakers beyond the sound card', () => {
  const township = new EmbeddedBroker();
  let probe: TownshipProbe;
  let op: Operator;
  let v: Village | undefined;

  const ready = async (village: Village) => {
    await probe.waitFor(() => village.gateway.inspect().commandsReady, 10_000, 'command subscription');
  };

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-speakers', 4);
    op = await Operator.connect(township.url);
  });
  afterEach(async () => {
    await v?.gateway.stop();
    v = undefined;
  });
  afterAll(async () => {
    await op?.close();
    await probe?.close();
    await township.stop();
  });

  it('drives an IP speaker module over the local broker: play, then stop on cancel', async () => {
    const GW = '370283104-bc-lan';
    const devices = [
      { id: 'ipspk-square', driver: 'mqtt', passwordHash: await hashPassword('ipspk-secret-1') },
      { id: 'speaker-square', driver: 'ip-speaker', via: 'ipspk-square', volume: 70 },
    ];
    v = await startVillage({ uplinkUrl: township.url, gatewayId: GW, devices });
    await ready(v);
    const module: MqttClient = await deviceClient(v.gateway.localPort, 'ipspk-square', 'ipspk-secret-1');
    const got: Record<string, unknown>[] = [];
    module.on('message', (_t, payload) => got.push(JSON.parse(payload.toString()) as Record<string, unknown>));
    await module.subscribeAsync('dev/ipspk-square/cmd', { qos: 1 });

    const short = await op.send('broadcast', GW, { text: '喇叭测试' });
    expect((await outcome(probe, short)).map((r) => r.status)).toEqual(['accepted', 'done']);
    expect(got[0]).toEqual({ action: 'play', play: short, text: '喇叭测试', volume: 70, durationMs: 400 });

    const long = await op.send('broadcast', GW, { text: '这是一条很长的通知'.repeat(4) });
    await probe.waitFor(() => got.length === 2, 5000, 'second play');
    await op.send('broadcast.cancel', GW, { broadcastId: long });
    expect((await outcome(probe, long)).at(-1)).toMatchObject({ status: 'failed', error: { code: 'cancelled' } });
    await probe.waitFor(() => got.length === 3, 5000, 'stop');
    expect(got[2]).toEqual({ action: 'stop', play: long });
    await module.endAsync();
    expect(probe.invalid).toEqual([]);
  });

  it('powers the amplifier through its relay: on and warmed up before the sound, off after the idle time', async () => {
    const GW = '370283104-bc-amp';
    const sim = new SimulatedGpio();
    const ms = () => Number(process.hrtime.bigint() / 1_000_000n); // the pins' clock
    const devices = [
      { id: 'speaker-main', driver: 'loudspeaker', amplifier: { relay: 'amp-power', warmUpMs: 150, idleOffSec: 0.4 } },
      { id: 'amp-power', driver: 'relay', pin: 23, maxOnSec: 3600 },
    ];
    const hardware = { audio: new SimulatedAudio({ scale: 0.25, now: ms }), speech: new SimulatedSpeech(100), amp: new SimulatedAmplifierPower() };
    v = await startVillage({ uplinkUrl: township.url, gatewayId: GW, devices, hardware, gpio: sim.gpio });
    await ready(v);
    const pin = sim.pin(23);
    expect(pin.level).toBe(0);
    const id = await op.send('broadcast', GW, { text: '功放继电器测试' });
    await outcome(probe, id);
    const play = hardware.audio.plays[0]!;
    await pin.waitFor(0, 3000);
    const [on, off] = pin.history.slice(-2).map((e) => ({ level: e.level, at: Number(e.monoNs / 1_000_000n) }));
    expect([on!.level, off!.level]).toEqual([1, 0]);
    expect(play.startedAt - on!.at).toBeGreaterThanOrEqual(145);
    expect(off!.at - play.endedAt!).toBeGreaterThanOrEqual(380);
    expect(hardware.amp.switches).toEqual([]); // the relay did the switching, not the simulated power
  });
});

/**
 * A village gateway with simulated loudspeaker hardware (audio, speech, amplifier power) on real parts
 * (SQLite file, aedes, mqtt.js), and an operator that signs and sends broadcast commands.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { SimulatedAmplifierPower } from '../../device-drivers/loudspeaker/amplifier.js';
import { SimulatedAudio } from '../../device-drivers/loudspeaker/sim-audio.js';
import { SimulatedSpeech } from '../../device-drivers/loudspeaker/sim-speech.js';
import type { Gpio } from '../../device-drivers/gpio/gpio.js';
import type { Clock } from '../../gateway/kernel/clock.js';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { LogSink, TOWNSHIP, buildConfig } from '../support/gateway-fixture.js';
import type { TownshipProbe } from '../support/township.js';

export const operatorKey = generateOperatorKey();

/** Fast fake sound: speech 100 ms a character, played 4x faster (25 ms a character, the chime 0.4 s). */
export const SPEECH_MS_PER_CHAR = 100;
export const AUDIO_SCALE = 0.25;

export const SPEAKER = { id: 'speaker-main', driver: 'loudspeaker', amplifier: { warmUpMs: 40, idleOffSec: 0.3 } };

export interface Hardware {
  audio: SimulatedAudio;
  speech: SimulatedSpeech;
  amp: SimulatedAmplifierPower;
}

export const simulatedHardware = (): Hardware => ({ audio: new SimulatedAudio({ scale: AUDIO_SCALE }), speech: new SimulatedSpeech(SPEECH_MS_PER_CHAR), amp: new SimulatedAmplifierPower() });

export interface VillageOptions {
  uplinkUrl: string;
  protocolVersion?: 4 | 5;
  gatewayId?: string;
  dataDir?: string;
  devices?: object[];
  broadcast?: object;
  clock?: Clock;
  hardware?: Hardware;
  /** GPIO for relay devices; the amplifier is then switched by its relay, not the simulated power. */
  gpio?: Gpio;
}

export interface Village extends Hardware {
  gateway: Gateway;
  logs: LogSink;
  dataDir: string;
  gatewayId: string;
}

export async function startVillage(o: VillageOptions): Promise<Village> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vgw-bc-'));
  const gatewayId = o.gatewayId ?? '370283104-bc-01';
  const raw = await buildConfig({
    uplinkUrl: o.uplinkUrl,
    dataDir,
    gatewayId,
    devices: [],
    uplink: { protocolVersion: o.protocolVersion ?? 4 },
    override: { devices: o.devices ?? [SPEAKER], commands: { operators: [{ kid: 'ops-bc', publicKey: operatorKey.publicRaw, roles: ['broadcast'] }] }, ...(o.broadcast ? { broadcast: o.broadcast } : {}) },
  });
  const hw = o.hardware ?? simulatedHardware();
  const logs = new LogSink();
  const gateway = createGateway({ config: parseConfig(raw, 'test config'), log: pino({ level: 'debug' }, logs), ...(o.clock ? { clock: o.clock } : {}), hardware: { audio: hw.audio, speech: hw.speech, ...(o.gpio ? { gpio: o.gpio } : { amplifierPower: () => hw.amp }) } });
  await gateway.start();
  return { ...hw, gateway, logs, dataDir, gatewayId };
}

/** A clock tests move by hand (schedules of hours pass in milliseconds). */
export function fakeClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, synced: () => true, advance: (ms) => void (now += ms) };
}

export class Operator {
  private constructor(private readonly client: MqttClient) {}

  static async connect(url: string, protocolVersion: 4 | 5 = 4): Promise<Operator> {
    return new Operator(await connectAsync(url, { protocolVersion, reconnectPeriod: 0 }));
  }

  /** A signed command, ready to publish; `now` and `lifetimeMs` set issuedAt / expiresAt. */
  static sign(name: string, target: string, params: Record<string, unknown>, { now = Date.now(), lifetimeMs = 60_000 } = {}): { id: string; topic: string; payload: string } {
    const id = uuidv7();
    const command = { id, name, township: TOWNSHIP, target, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + lifetimeMs).toISOString(), by: 'test-operator', ...params };
    return { id, topic: `pingan/v1/${TOWNSHIP}/${target}/cmd/${name}`, payload: JSON.stringify(signCommand(command, 'ops-bc', operatorKey.privatePem)) };
  }

  async publish(signed: { topic: string; payload: string }): Promise<void> {
    await this.client.publishAsync(signed.topic, signed.payload, { qos: 1 });
  }

  /** Signs and publishes a command; returns its id. */
  async send(name: string, target: string, params: Record<string, unknown>, options: { now?: number; lifetimeMs?: number } = {}): Promise<string> {
    const signed = Operator.sign(name, target, params, options);
    await this.publish(signed);
    return signed.id;
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

/** Replies to command `id` as the township received them, oldest first (optionally of one gateway). */
export function replies(probe: TownshipProbe, id: string, gateway?: string): Record<string, unknown>[] {
  return probe.json('replies').filter((m) => m.body.id === id && (!gateway || m.topic.split('/')[3] === gateway)).map((m) => m.body);
}

/** Waits for the final reply (done / failed / rejected) to `id` and returns every reply so far. */
export async function outcome(probe: TownshipProbe, id: string, timeoutMs = 10_000, gateway?: string): Promise<Record<string, unknown>[]> {
  await probe.waitFor(() => replies(probe, id, gateway).some((r) => r.status !== 'accepted'), timeoutMs, `final reply to ${id}`);
  return replies(probe, id, gateway);
}

/** The `broadcast.*` event types the township received for notice `id`, in order (optionally of one gateway). */
export function broadcastEvents(probe: TownshipProbe, id: string, gateway?: string): string[] {
  return probe.events.filter((e) => e.category === 'broadcast' && e.data.broadcast === id && (!gateway || e.device === gateway)).sort((a, b) => a.seq - b.seq).map((e) => e.type);
}

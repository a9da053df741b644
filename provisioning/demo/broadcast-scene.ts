/**
 * The demo's loudspeaker scene (一喇叭): two more villages join the township, each with a simulated
 * loudspeaker; the township sends one signed notice to every village and prints each village's reply,
 * then what each loudspeaker actually played and for how long.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { SimulatedAmplifierPower } from '../../device-drivers/loudspeaker/amplifier.js';
import { SimulatedAudio } from '../../device-drivers/loudspeaker/sim-audio.js';
import { SimulatedSpeech } from '../../device-drivers/loudspeaker/sim-speech.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { sendCommand } from '../township/commands/send.js';
import type { DemoLifetime } from './demo-lifetime.js';

const NOTICE = '村民朋友们请注意：今晚有大风降温，请关好门窗，注意用电安全。';
/** How long the operator waits for every village's final reply (they come within seconds). */
const REPLY_WAIT_SEC = 30;
const VILLAGES = ['370283104-demo-02', '370283104-demo-03'];

export interface BroadcastSceneOptions {
  townshipUrl: string;
  township: string;
  /** The demo operator's key file, key id and public key (the new villages trust it). */
  keyFile: string;
  kid: string;
  publicKey: string;
  dir: string;
  /** Gateways already in the township, which answer too (with their own outcome). */
  others: string[];
  /** The demo's lifetime: the villages are stopped with it, also on Ctrl-C mid-scene. */
  life: DemoLifetime;
  say: (line: string) => void;
}

interface Village {
  id: string;
  gateway: Gateway;
  audio: SimulatedAudio;
}

async function startVillage(id: string, o: BroadcastSceneOptions): Promise<Village> {
  const config = parseConfig({
    gateway: { id, township: o.township, dataDir: join(o.dir, id) },
    localBroker: { host: '127.0.0.1', port: 0 },
    uplink: { url: o.townshipUrl, protocolVersion: 4, username: id, keepaliveSec: 10, backoffInitialMs: 300, backoffMaxMs: 2000, metricsIntervalSec: 0 },
    commands: { operators: [{ kid: o.kid, publicKey: o.publicKey, roles: ['broadcast'] }] },
    devices: [{ id: 'speaker-square', driver: 'loudspeaker', location: 'village square', amplifier: { warmUpMs: 500, idleOffSec: 2 } }],
  }, `${id} config`);
  const audio = new SimulatedAudio();
  const log = pino({ level: 'info' }, pino.destination({ dest: join(o.dir, `${id}.log`), sync: false }));
  const gateway = createGateway({ config, log, hardware: { audio, speech: new SimulatedSpeech(120), amplifierPower: () => new SimulatedAmplifierPower() } });
  await gateway.start();
  return { id, gateway, audio };
}

export async function runBroadcastScene(o: BroadcastSceneOptions): Promise<void> {
  o.say('─── the township broadcasts a notice to every village (一喇叭) ───');
  const villages = await Promise.all(VILLAGES.map(async (id) => {
    const v = await startVillage(id, o);
    o.life.hold(() => v.gateway.stop('demo finished'));
    return v;
  }));
  try {
    o.say(`  villages ${VILLAGES.join(', ')} joined, each with a (simulated) loudspeaker; ${o.others.join(', ')} has none`);
    const expect = [...o.others, ...VILLAGES].join(',');
    await sendCommand('broadcast', { text: NOTICE, priority: 'normal' }, { broker: o.townshipUrl, township: o.township, target: 'all', key: o.keyFile, kid: o.kid, by: 'demo', expires: 120, timeout: REPLY_WAIT_SEC, expect, protocol: '4' }, (l) => o.say(`  operator: ${l}`));
    for (const v of villages) {
      for (const p of v.audio.plays) {
        o.say(`  ${v.id} ${p.device} played 「${p.label.replace(/^text:/, '')}」 for ${(((p.endedAt ?? Date.now()) - p.startedAt) / 1000).toFixed(1)} s${p.completed ? '' : ' (cut short)'}`);
      }
      if (v.audio.plays.length === 0) o.say(`  ${v.id}: nothing played`);
    }
  } finally {
    await Promise.all(villages.map((v) => v.gateway.stop('demo scene finished')));
  }
}

/**
 * An IP speaker module on the village LAN. It logs in to the local broker as its own `mqtt` device
 * (`via`), which reports its presence; this driver only sends it work on `dev/{via}/cmd`:
 * `{"action":"play","play":<broadcast id>,"text"|"sound"|"url"+"sha256","volume","durationMs"}` and
 * `{"action":"stop","play":<id>}`. The module speaks, plays or fetches the audio itself; the gateway
 * holds it busy for the clip's length as prepared on the box, so the queue, preemption and repeats
 * work the same as on the box's own loudspeaker. This device is online while the gateway can send to
 * it; whether the module itself is reachable is its `via` device's presence.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { IpSpeakerDeviceConfig } from './config.js';
import type { LocalBus } from '../local-bus.js';
import type { Driver, DriverContext, DriverHealth } from '../driver.js';
import type { Speaker } from '../loudspeaker/speaker.js';

export interface IpSpeakerSeams {
  bus: LocalBus;
}

export function createIpSpeaker(ctx: DriverContext<IpSpeakerSeams, IpSpeakerDeviceConfig>): Driver & Speaker {
  const { device, seams } = ctx;
  let running = false;
  const send = (body: Record<string, unknown>): Promise<void> => seams.bus.sendCommand(device.via, Buffer.from(JSON.stringify(body)));

  return {
    speakerId: device.id,
    async start() {
      running = true;
      await ctx.setState({ online: true, state: { via: device.via } });
    },
    async stop() {
      running = false;
    },
    health(): DriverHealth {
      return { status: running ? 'ok' : 'stopped', online: running };
    },
    async play(clip, { id, volume, signal }) {
      if (!running) throw new Error(`IP speaker ${device.id} is not running`);
      await send({ action: 'play', play: id, ...clip.source, volume: volume ?? device.volume, durationMs: clip.durationMs });
      await sleep(clip.durationMs, undefined, { signal }).catch(() => {});
      if (!signal.aborted) return;
      await send({ action: 'stop', play: id }).catch((err: unknown) => ctx.log.warn({ err, play: id }, 'IP speaker stop not sent'));
    },
  };
}

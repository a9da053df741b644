/**
 * A loudspeaker on the box's own sound card: powers the amplifier (with its warm-up), sets the volume,
 * plays the clip through the audio seam, and lets the amplifier go idle afterwards. Its state on the
 * township side says what it is playing.
 */
import type { LoudspeakerDeviceConfig } from './config.js';
import { GatewayError } from '../../gateway/kernel/errors.js';
import type { Driver, DriverContext, DriverHealth } from '../driver.js';
import { Amplifier, noRelay, type AmplifierPower } from './amplifier.js';
import type { AlsaOutput, AudioBackend, Clip, PlayOptions, Speaker } from './speaker.js';

export interface LoudspeakerSeams {
  /** Real (ALSA tools) or simulated; without one the loudspeaker cannot start. */
  audio?: AudioBackend | undefined;
  /** The power switch of a loudspeaker's amplifier; without one, no relay is wired (always powered). */
  amplifierPower?: ((device: LoudspeakerDeviceConfig) => AmplifierPower) | undefined;
}

export function createLoudspeaker(ctx: DriverContext<LoudspeakerSeams, LoudspeakerDeviceConfig>): Driver & Speaker {
  const { device, seams } = ctx;
  const output: AlsaOutput = { device: device.id, pcm: device.pcm, mixer: device.mixer };
  const amplifier = new Amplifier(seams.amplifierPower?.(device) ?? noRelay, { warmUpMs: device.amplifier.warmUpMs, idleOffMs: device.amplifier.idleOffSec * 1000 }, ctx.log);
  let running = false;
  let lastVolume: number | null = null;
  let failure: string | undefined;

  const playOn = async (audio: AudioBackend, clip: Clip, { id, volume, signal }: PlayOptions): Promise<void> => {
    const percent = volume ?? device.volume;
    try {
      await amplifier.acquire(signal);
    } catch (err) {
      throw new Error(`amplifier power could not be switched on: ${(err as Error).message}`, { cause: err });
    }
    try {
      if (signal.aborted) return;
      // The mixer is set only when the level changes: amixer on every notice would click on some cards.
      if (percent !== lastVolume) {
        await audio.setVolume(output, percent);
        lastVolume = percent;
      }
      await ctx.setState({ state: { playing: id } });
      await audio.play(clip, output, percent, signal);
    } finally {
      amplifier.release();
      await ctx.setState({ state: { playing: null } });
    }
  };

  return {
    speakerId: device.id,
    async start() {
      if (!seams.audio) throw new GatewayError('VGW_DRIVER_START', `loudspeaker ${device.id} has no audio backend; the daemon gives it aplay/mpg123/amixer, tests pass hardware.audio`);
      running = true;
      await ctx.setState({ online: true, state: { playing: null } });
    },
    async stop() {
      running = false;
      await amplifier.shutdown();
    },
    health(): DriverHealth {
      if (!running) return { status: 'stopped', online: false };
      return failure ? { status: 'degraded', online: true, detail: failure } : { status: 'ok', online: true };
    },
    async play(clip, options) {
      if (!running || !seams.audio) throw new Error(`loudspeaker ${device.id} is not running`);
      try {
        await playOn(seams.audio, clip, options);
        failure = undefined;
      } catch (err) {
        failure = (err as Error).message;
        throw err;
      }
    },
  };
}

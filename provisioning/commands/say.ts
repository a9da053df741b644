/**
 * `vgw say "通知内容"`: speaks a notice on the box's own loudspeaker, for installers testing the speaker
 * and the Mandarin voice. It renders with espeak-ng and plays with aplay directly (no daemon, no
 * queue); `--dry-run` renders and prints the command lines instead of making sound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { playerCommand, mixerCommand, AlsaAudio } from '../../device-drivers/loudspeaker/alsa-audio.js';
import { readClip } from '../../device-drivers/loudspeaker/audio-file.js';
import { EspeakSpeech } from '../../device-drivers/loudspeaker/espeak.js';
import type { AlsaOutput } from '../../device-drivers/loudspeaker/speaker.js';
import type { ToolCommand } from '../../device-drivers/loudspeaker/tool.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import { loudspeakerDeviceSchema, type LoudspeakerDeviceConfig } from '../../device-drivers/loudspeaker/config.js';
import { GatewayError } from '../../gateway/kernel/errors.js';
import { CliError } from './cli-error.js';

export interface SayOptions {
  config?: string | undefined;
  speaker?: string | undefined;
  volume?: number | undefined;
  voice?: string | undefined;
  dryRun?: boolean | undefined;
}

const shell = ({ cmd, args }: ToolCommand): string => [cmd, ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))].join(' ');

/** The loudspeaker to use: from the config (by id, or the first one), or ALSA defaults without one. */
function chooseSpeaker(o: SayOptions): { speaker: LoudspeakerDeviceConfig; voice: string } {
  if (!o.config) return { speaker: loudspeakerDeviceSchema.parse({ id: 'loudspeaker', driver: 'loudspeaker' }), voice: o.voice ?? 'auto' };
  const config = loadConfigFile(o.config);
  const speaker = config.devices.find((d): d is LoudspeakerDeviceConfig => d.driver === 'loudspeaker' && (o.speaker === undefined || d.id === o.speaker));
  if (!speaker) {
    const what = o.speaker ? `no loudspeaker "${o.speaker}"` : 'no loudspeaker (driver: loudspeaker)';
    throw new GatewayError('VGW_CONFIG_INVALID', `${what} in ${o.config}; IP speakers play through the daemon (vgw send broadcast) / 配置中没有该喇叭`);
  }
  return { speaker, voice: o.voice ?? config.broadcast.voice };
}

/**
 * Returns the exit code. A missing tool (no espeak-ng, no alsa-utils) or an ALSA device that refuses
 * is one line saying what to install or set, not a stack trace.
 */
export async function say(text: string, o: SayOptions, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const chosen = chooseSpeaker(o);
  try {
    return await speak(text, o, chosen, print);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new CliError(`cannot speak the notice: ${(err as Error).message}`, 1, { cause: err });
  }
}

async function speak(text: string, o: SayOptions, { speaker, voice }: { speaker: LoudspeakerDeviceConfig; voice: string }, print: (line: string) => void): Promise<number> {
  const speech = new EspeakSpeech({ voice, log: pino({ level: 'silent' }) });
  const chosen = await speech.pick();
  print(`语音 voice: espeak-ng ${chosen}${voice === 'auto' ? ' (chosen by what this espeak-ng speaks / 自动选择)' : ''}`);
  const dir = mkdtempSync(join(tmpdir(), 'vgw-say-'));
  try {
    const file = join(dir, 'notice.wav');
    await speech.render(text, file);
    const clip = readClip(file, `text:${text}`, { text });
    print(`合成 rendered: ${(clip.durationMs / 1000).toFixed(1)} s of speech`);
    const output: AlsaOutput = { device: speaker.id, pcm: speaker.pcm, mixer: speaker.mixer };
    const volume = o.volume ?? speaker.volume;
    if (speaker.amplifier.relay) print(`注意 note: the amplifier relay "${speaker.amplifier.relay}" is switched by the daemon, not by vgw say`);
    if (o.dryRun) {
      if (speaker.mixer) print(`would run: ${shell(mixerCommand(speaker.mixer, volume))}`);
      print(`would run: ${shell(playerCommand(clip, output, volume))}`);
      return 0;
    }
    const audio = new AlsaAudio();
    const stop = new AbortController();
    const interrupt = (): void => stop.abort();
    process.once('SIGINT', interrupt);
    try {
      await audio.setVolume(output, volume);
      print(`播放 playing on ${speaker.id} (${speaker.pcm}) at ${volume}% …`);
      await audio.play(clip, output, volume, stop.signal);
    } finally {
      process.off('SIGINT', interrupt);
    }
    print(stop.signal.aborted ? '已停止 stopped' : '播放完毕 played');
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

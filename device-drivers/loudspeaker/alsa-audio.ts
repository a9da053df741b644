/**
 * The real audio backend: WAV through `aplay`, MP3 through `mpg123`, volume through `amixer`, all on
 * ALSA. The command lines are built by pure functions, so tests can pin exactly what would run.
 */
import type { AlsaOutput, AudioBackend, Clip } from './speaker.js';
import { runTool, type ToolCommand } from './tool.js';

/** mpg123's `-f` scale for full volume (its man page: "32768 is 100%"). */
const MPG123_FULL_SCALE = 32768;

/** The player for a clip: `aplay` or `mpg123`, writing to the output's PCM. */
export function playerCommand(clip: Clip, output: AlsaOutput, volume: number): ToolCommand {
  if (clip.format === 'wav') return { cmd: 'aplay', args: ['-q', '-D', output.pcm, clip.path] };
  // Without a mixer control the card's volume cannot be set; mpg123 scales its own output instead.
  const scale = output.mixer ? [] : ['-f', String(Math.round((MPG123_FULL_SCALE * volume) / 100))];
  return { cmd: 'mpg123', args: ['-q', '-a', output.pcm, ...scale, clip.path] };
}

/** Sets the mixer control (names differ between sound cards: `PCM`, `Headphone`, `Speaker`, ...). */
export function mixerCommand(mixer: NonNullable<AlsaOutput['mixer']>, percent: number): ToolCommand {
  return { cmd: 'amixer', args: ['-q', '-c', mixer.card, 'sset', mixer.control, `${percent}%`] };
}

export class AlsaAudio implements AudioBackend {
  async play(clip: Clip, output: AlsaOutput, volume: number, signal: AbortSignal): Promise<void> {
    await runTool(playerCommand(clip, output, volume), { signal });
  }

  async setVolume(output: AlsaOutput, percent: number): Promise<void> {
    if (output.mixer) await runTool(mixerCommand(output.mixer, percent));
  }
}

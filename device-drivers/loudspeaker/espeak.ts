/**
 * Mandarin speech with espeak-ng. Debian bookworm's espeak-ng 1.51 (what Raspberry Pi OS ships) reads
 * Chinese with its `cmn` voice as pinyin whose tone digits are spoken as English numbers — `-x` shows
 * `(en)dZI55nw'055n…` for 今天 — which no villager understands; `cmn-latn-pinyin` speaks real tones
 * there. Newer releases may fix `cmn` (which reads embedded Latin words as English, the better choice
 * when it works), so the voice is chosen by asking the installed espeak-ng, once per process.
 */
import type { Logger } from 'pino';
import type { SpeechEngine } from './speech.js';
import { runTool, type ToolCommand, type ToolResult } from './tool.js';

/** Candidates in order of preference. */
export const MANDARIN_VOICES = ['cmn', 'cmn-latn-pinyin'] as const;
/** Slower than espeak-ng's 175 words/min: loudspeaker sound echoes between village houses. */
export const SPEECH_RATE_WPM = 150;
const PROBE_TEXT = '今天天气很好';

/** Prints the phonemes espeak-ng would speak (`-x`), without sound (`-q`); text on stdin, UTF-8 (`-b 1`). */
export const phonemeCommand = (voice: string): ToolCommand => ({ cmd: 'espeak-ng', args: ['-q', '-b', '1', '-x', '-v', voice, '--stdin'] });

/** Renders speech into a WAV file; the text goes on stdin, never on the command line. */
export const renderCommand = (voice: string, file: string): ToolCommand => ({ cmd: 'espeak-ng', args: ['-b', '1', '-v', voice, '-s', String(SPEECH_RATE_WPM), '-w', file, '--stdin'] });

/** Phonemes stay Mandarin: espeak-ng marks a switch to another language as `(en)`, `(cmn)`, ... */
export function speaksMandarin(phonemes: string): boolean {
  return phonemes.trim().length > 0 && !phonemes.includes('(en)');
}

export interface EspeakOptions {
  /** `auto`, or a voice name that is used as given. */
  voice: string;
  log: Logger;
  /** Runs the tool; tests hand in a fake espeak-ng. */
  run?: (command: ToolCommand, options: { input?: string }) => Promise<ToolResult>;
}

export class EspeakSpeech implements SpeechEngine {
  private chosen: Promise<string> | null = null;
  private readonly run: NonNullable<EspeakOptions['run']>;

  constructor(private readonly options: EspeakOptions) {
    this.run = options.run ?? runTool;
  }

  async voice(): Promise<string> {
    return `espeak-ng:${await this.pick()}`;
  }

  /** The espeak-ng voice in use; detected on first use and kept (a failed detection is retried). */
  pick(): Promise<string> {
    if (this.options.voice !== 'auto') return Promise.resolve(this.options.voice);
    this.chosen ??= this.detect().catch((err: unknown) => {
      this.chosen = null;
      throw err;
    });
    return this.chosen;
  }

  /** What espeak-ng would say for `text`, as its phoneme mnemonics. */
  async phonemes(text: string, voice?: string): Promise<string> {
    return (await this.run(phonemeCommand(voice ?? (await this.pick())), { input: text })).stdout;
  }

  async render(text: string, file: string): Promise<void> {
    await this.run(renderCommand(await this.pick(), file), { input: text });
  }

  private async detect(): Promise<string> {
    const tried: string[] = [];
    for (const voice of MANDARIN_VOICES) {
      let phonemes: string;
      try {
        phonemes = await this.phonemes(PROBE_TEXT, voice);
      } catch (err) {
        tried.push(`${voice}: ${(err as Error).message}`);
        continue;
      }
      if (speaksMandarin(phonemes)) {
        this.options.log.info({ voice, tried }, 'text-to-speech voice chosen');
        return voice;
      }
      tried.push(`${voice}: switches to English (${phonemes.trim().slice(0, 40)})`);
    }
    throw new Error(`espeak-ng has no voice that speaks Mandarin here (${tried.join('; ')}); set broadcast.voice, install espeak-ng-data, or broadcast recorded audio (sound or url) instead`);
  }
}

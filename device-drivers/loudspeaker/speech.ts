/**
 * The text-to-speech seam: small on purpose, so a better offline Mandarin engine can replace
 * espeak-ng later without touching the queue or the drivers.
 */
export interface SpeechEngine {
  /** Engine and voice, e.g. `espeak-ng:cmn-latn-pinyin`; rendered speech is cached under this name. */
  voice(): Promise<string>;
  /** Renders `text` into a WAV file at `file` (a file, so the playing time is known before playing). */
  render(text: string, file: string): Promise<void>;
}

/**
 * Turns what a notice says into a playable file before any sound is made: speech rendered to WAV (so
 * its length is known), a stored sound, or a verified download. Rendered speech is cached by voice and
 * text, so a repeated notice is rendered once; both caches are pruned by age of last use.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { readClip } from '../../device-drivers/loudspeaker/audio-file.js';
import type { Clip } from '../../device-drivers/loudspeaker/speaker.js';
import type { SpeechEngine } from '../../device-drivers/loudspeaker/speech.js';
import type { Downloader } from './download.js';
import type { SoundLibrary } from './sounds.js';
import type { Content } from './store.js';

/** Why a notice could not be prepared; `code` goes into its `failed` reply. */
export class ClipError extends Error {
  constructor(
    readonly code: 'speech' | 'sound',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ClipMakerDeps {
  speech: SpeechEngine | undefined;
  sounds: SoundLibrary;
  downloads: Downloader;
  speechDir: string;
}

export class ClipMaker {
  constructor(private readonly deps: ClipMakerDeps) {}

  async make(content: Content): Promise<Clip> {
    if ('text' in content) return this.speak(content.text);
    if ('sound' in content) {
      try {
        return this.deps.sounds.clip(content.sound);
      } catch (err) {
        throw new ClipError('sound', (err as Error).message, { cause: err });
      }
    }
    const path = await this.deps.downloads.fetch(content.url, content.sha256, content.maxBytes);
    return readClip(path, `url:${content.url}`, { url: content.url, sha256: content.sha256 });
  }

  private async speak(text: string): Promise<Clip> {
    const { speech, speechDir } = this.deps;
    if (!speech) throw new ClipError('speech', 'this gateway has no text-to-speech engine; send a sound or url notice');
    try {
      const voice = await speech.voice();
      const path = join(speechDir, `${createHash('sha256').update(`${voice}\n${text}`).digest('hex')}.wav`);
      if (existsSync(path)) {
        const now = new Date();
        utimesSync(path, now, now);
      } else {
        mkdirSync(speechDir, { recursive: true });
        await speech.render(text, `${path}.part`);
        renameSync(`${path}.part`, path);
      }
      return readClip(path, `text:${text}`, { text });
    } catch (err) {
      throw new ClipError('speech', `text-to-speech failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Deletes files in `dir` not used since `before` (ms since epoch); returns how many. */
export function pruneUnused(dir: string, before: number): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).mtimeMs < before) {
      unlinkSync(path);
      removed++;
    }
  }
  return removed;
}

/**
 * What the broadcast queue needs from a loudspeaker, whatever drives it (a sound card on the box or an
 * IP speaker module on the village LAN), and the audio seam the sound-card driver plays through.
 */

/** What a notice says: speech from text, a named sound stored on the box, or downloaded audio. */
export type ClipSource = { text: string } | { sound: string } | { url: string; sha256: string };

export type AudioFormat = 'wav' | 'mp3';

/** A playable audio file, prepared (rendered, found or downloaded) before any sound is made. */
export interface Clip {
  path: string;
  format: AudioFormat;
  /** Playing time; exact for WAV, estimated from the bitrate for MP3. */
  durationMs: number;
  /** For people and logs: `text:…`, `sound:chime`, `url:…`. */
  label: string;
  source: ClipSource;
}

export interface PlayOptions {
  /** The broadcast being played (IP speakers get it so a later `stop` names it). */
  id: string;
  /** Percent; the device's configured volume when absent. */
  volume?: number | undefined;
  /** Stops the sound at once (preemption, cancel, shutdown). */
  signal: AbortSignal;
}

export interface Speaker {
  readonly speakerId: string;
  /** Resolves when the clip has played to its end or `signal` stopped it; rejects when it could not play. */
  play(clip: Clip, options: PlayOptions): Promise<void>;
}

/** One sound-card output: the ALSA PCM players write to, and the mixer that sets its volume. */
export interface AlsaOutput {
  /** Device id, so a simulated backend can say which loudspeaker played. */
  device: string;
  pcm: string;
  /** `null`: the card has no mixer control; MP3s are then scaled by the player. */
  mixer: { card: string; control: string } | null;
}

/** The audio seam (architecture.md): real (aplay, mpg123, amixer) or simulated. */
export interface AudioBackend {
  /** Same contract as `Speaker.play`; a stopped player's process is killed at once. */
  play(clip: Clip, output: AlsaOutput, volume: number, signal: AbortSignal): Promise<void>;
  /** Sets the output's mixer to `percent`. */
  setVolume(output: AlsaOutput, percent: number): Promise<void>;
}

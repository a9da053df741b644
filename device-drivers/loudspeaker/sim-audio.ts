/**
 * The simulated audio backend (tests and the demo): plays nothing, but takes the clip's real playing
 * time (times `scale`) and records what would have been heard, on which loudspeaker, when and for how
 * long — including plays cut short by a stop.
 */
import type { AlsaOutput, AudioBackend, Clip } from './speaker.js';

export interface PlayRecord {
  device: string;
  label: string;
  path: string;
  volume: number;
  startedAt: number;
  /** null while playing. */
  endedAt: number | null;
  /** How long the whole clip takes here (its duration times `scale`). */
  durationMs: number;
  /** False when a stop cut it short. */
  completed: boolean;
}

export interface SimulatedAudioOptions {
  /** Playing time relative to the clip's own duration (0.1: ten times faster, for quick tests). */
  scale?: number;
  now?: () => number;
}

export class SimulatedAudio implements AudioBackend {
  readonly plays: PlayRecord[] = [];
  readonly volumes: { device: string; percent: number; at: number }[] = [];
  private readonly scale: number;
  private readonly now: () => number;

  constructor(options: SimulatedAudioOptions = {}) {
    this.scale = options.scale ?? 1;
    this.now = options.now ?? Date.now;
  }

  play(clip: Clip, output: AlsaOutput, volume: number, signal: AbortSignal): Promise<void> {
    const record: PlayRecord = { device: output.device, label: clip.label, path: clip.path, volume, startedAt: this.now(), endedAt: null, durationMs: Math.round(clip.durationMs * this.scale), completed: false };
    this.plays.push(record);
    return new Promise((resolve) => {
      const end = (completed: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', stopped);
        record.endedAt = this.now();
        record.completed = completed;
        resolve();
      };
      const stopped = (): void => end(false);
      const timer = setTimeout(() => end(true), record.durationMs);
      if (signal.aborted) return end(false);
      signal.addEventListener('abort', stopped, { once: true });
    });
  }

  async setVolume(output: AlsaOutput, percent: number): Promise<void> {
    this.volumes.push({ device: output.device, percent, at: this.now() });
  }
}

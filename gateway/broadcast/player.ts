/**
 * One play of a notice on its loudspeakers: prepare the audio first (so a download or speech failure
 * makes no sound at all), announce it, ring the chime before an emergency notice, then play on every
 * target loudspeaker at once. A stop (preemption, cancel, shutdown) ends it at once.
 */
import type { Logger } from 'pino';
import type { Clip, Speaker } from '../../device-drivers/loudspeaker/speaker.js';
import { ClipError, type ClipMaker } from './clips.js';
import { DownloadError } from './download.js';
import type { Outcomes } from './outcomes.js';
import type { Notice, Outcome } from './store.js';

export type PlayResult = { kind: 'heard'; ms: number } | { kind: 'stopped'; ms: number } | { kind: 'failed'; error: Outcome };

export function outcomeOf(err: unknown): Outcome {
  const code = err instanceof DownloadError || err instanceof ClipError ? err.code : 'prepare';
  return { code, message: (err as Error).message };
}

export interface PlayerDeps {
  clips: ClipMaker;
  speakers: ReadonlyMap<string, Speaker>;
  /** Sound rung before an emergency notice. */
  chime: string;
  outcomes: Outcomes;
  log: Logger;
}

export class Player {
  constructor(private readonly deps: PlayerDeps) {}

  /** The notice's audio, ready to play. */
  prepare(n: Notice): Promise<Clip> {
    return this.deps.clips.make(n.content);
  }

  async play(n: Notice, signal: AbortSignal): Promise<PlayResult> {
    const ids = n.speakers ?? [...this.deps.speakers.keys()];
    const missing = ids.filter((id) => !this.deps.speakers.has(id));
    // Possible only when the config changed while the notice waited.
    if (missing.length > 0 || ids.length === 0) return { kind: 'failed', error: { code: 'speaker', message: missing.length > 0 ? `no loudspeaker ${missing.join(', ')} on this gateway now` : 'this gateway has no loudspeaker now' } };
    const targets = ids.map((id) => this.deps.speakers.get(id) as Speaker);
    let clip: Clip;
    try {
      clip = await this.prepare(n);
    } catch (err) {
      return { kind: 'failed', error: outcomeOf(err) };
    }
    if (signal.aborted) return { kind: 'stopped', ms: 0 };
    const emergency = n.priority === 'emergency';
    await this.deps.outcomes.event('started', n, { play: n.played + 1, plays: n.plays, speakers: ids, durationMs: clip.durationMs, chime: emergency });
    if (emergency) await this.chime(n, targets, signal);
    const started = Date.now();
    const results = await Promise.allSettled(targets.map((s) => s.play(clip, { id: n.id, volume: n.volume ?? undefined, signal })));
    const ms = Date.now() - started;
    if (signal.aborted) return { kind: 'stopped', ms };
    const broken = results.flatMap((r, i) => (r.status === 'rejected' ? [`${ids[i]}: ${(r.reason as Error).message}`] : []));
    return broken.length > 0 ? { kind: 'failed', error: { code: 'playback', message: broken.join('; ') } } : { kind: 'heard', ms };
  }

  /** The attention signal; if it cannot sound, the notice itself still must. */
  private async chime(n: Notice, targets: Speaker[], signal: AbortSignal): Promise<void> {
    try {
      const clip = await this.deps.clips.make({ sound: this.deps.chime });
      const results = await Promise.allSettled(targets.map((s) => s.play(clip, { id: n.id, volume: n.volume ?? undefined, signal })));
      for (const r of results) if (r.status === 'rejected') this.deps.log.warn({ broadcast: n.id, err: r.reason as Error }, 'chime not played');
    } catch (err) {
      this.deps.log.warn({ broadcast: n.id, err }, 'chime not played');
    }
  }
}

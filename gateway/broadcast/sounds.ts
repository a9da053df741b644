/**
 * Named sounds stored on the box: `{soundsDir}/{name}.wav` or `.mp3`. The `chime` (attention signal
 * before emergency notices) and `alarm` (siren) are synthesised here when missing, so a fresh box can
 * broadcast without shipping audio files; an installer's own file of the same name is kept.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readClip, writeWav } from '../../device-drivers/loudspeaker/audio-file.js';
import type { Clip } from '../../device-drivers/loudspeaker/speaker.js';

const RATE = 16_000;
const AMPLITUDE = 0.6 * 32767;

/** A struck bell-like note: fundamental and two partials, decaying. */
function note(samples: Float64Array, at: number, hz: number, ms: number): void {
  const n = Math.round((ms * RATE) / 1000);
  for (let i = 0; i < n && at + i < samples.length; i++) {
    const t = i / RATE;
    const env = Math.exp(-3.5 * t) * Math.min(1, i / 80);
    const wave = Math.sin(2 * Math.PI * hz * t) + 0.4 * Math.sin(4 * Math.PI * hz * t) + 0.15 * Math.sin(6 * Math.PI * hz * t);
    samples[at + i]! += (env * wave) / 1.55;
  }
}

/** Two-tone "ding-dong", the usual attention signal of public-address systems. */
function chime(): Float64Array {
  const s = new Float64Array(Math.round(1.6 * RATE));
  note(s, 0, 659.25, 1600);
  note(s, Math.round(0.55 * RATE), 523.25, 1050);
  return s;
}

/** A rising and falling siren, four sweeps between 650 and 1250 Hz. */
function siren(): Float64Array {
  const s = new Float64Array(4 * RATE);
  let phase = 0;
  for (let i = 0; i < s.length; i++) {
    const sweep = (i / RATE) % 1;
    const hz = 650 + 600 * (sweep < 0.5 ? sweep * 2 : 2 - sweep * 2);
    phase += (2 * Math.PI * hz) / RATE;
    s[i] = Math.sin(phase) > 0 ? 0.7 : -0.7;
  }
  return s;
}

const BUILT_IN: Record<string, () => Float64Array> = { chime, alarm: siren };

export class SoundLibrary {
  constructor(readonly dir: string) {}

  /** Writes the built-in sounds that are missing. */
  installBuiltIns(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const [name, make] of Object.entries(BUILT_IN)) {
      if (this.find(name)) continue;
      writeWav(join(this.dir, `${name}.wav`), Int16Array.from(make(), (v) => Math.round(v * AMPLITUDE)), RATE);
    }
  }

  names(): string[] {
    if (!existsSync(this.dir)) return [];
    const names = readdirSync(this.dir).flatMap((f) => /^([a-z0-9-]{1,64})\.(wav|mp3)$/.exec(f)?.[1] ?? []);
    return [...new Set(names)].sort();
  }

  find(name: string): string | null {
    for (const ext of ['wav', 'mp3']) {
      const path = join(this.dir, `${name}.${ext}`);
      if (existsSync(path)) return path;
    }
    return null;
  }

  clip(name: string): Clip {
    const path = this.find(name);
    if (!path) throw new Error(`no sound "${name}" in ${this.dir}; it has: ${this.names().join(', ') || 'none'}`);
    return readClip(path, `sound:${name}`, { sound: name });
  }
}

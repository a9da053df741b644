/**
 * Simulated text-to-speech (tests and the demo): writes a silent WAV whose length grows with the text,
 * so everything downstream (duration, playing time, preemption mid-sentence) behaves as with speech.
 */
import { writeWav } from './audio-file.js';
import type { SpeechEngine } from './speech.js';

const SAMPLE_RATE = 8000;

export class SimulatedSpeech implements SpeechEngine {
  /** Texts rendered, in order. */
  readonly rendered: string[] = [];

  /** `msPerChar`: speaking time per character (Mandarin notices run at about 4 characters a second). */
  constructor(private readonly msPerChar = 250) {}

  async voice(): Promise<string> {
    return `simulated:${this.msPerChar}`;
  }

  async render(text: string, file: string): Promise<void> {
    this.rendered.push(text);
    const ms = [...text].length * this.msPerChar;
    writeWav(file, new Int16Array(Math.round((ms * SAMPLE_RATE) / 1000)), SAMPLE_RATE);
  }
}

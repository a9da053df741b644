/**
 * Mandarin speech with the installed espeak-ng: the voice it is given never switches a Chinese notice
 * to English (`(en)` in its phonemes), a real WAV is rendered and its length read, and `vgw say
 * --dry-run` shows the voice and the exact command lines an installer's box would run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { readClip } from '../../device-drivers/loudspeaker/audio-file.js';
import { EspeakSpeech, MANDARIN_VOICES } from '../../device-drivers/loudspeaker/espeak.js';
import { say } from '../../provisioning/commands/say.js';
import { requireTools } from '../support/tools.js';

const NOTICE = '村民朋友们请注意：今晚八点有大风降温，请关好门窗，注意用电安全。';

describe.runIf(requireTools('espeak-ng'))('Mandarin speech with espeak-ng', () => {
  const speech = new EspeakSpeech({ voice: 'auto', log: pino({ level: 'silent' }) });

  it('chooses a voice whose phonemes for a Chinese notice never switch to English', async () => {
    const voice = await speech.pick();
    expect(MANDARIN_VOICES).toContain(voice);
    const phonemes = await speech.phonemes(NOTICE);
    expect(phonemes.trim().length).toBeGreaterThan(20);
    expect(phonemes).not.toContain('(en)');
  });

  it('renders a real WAV from Chinese text and reads how long it plays', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vgw-tts-')), 'notice.wav');
    await speech.render(NOTICE, file);
    const clip = readClip(file, `text:${NOTICE}`, { text: NOTICE });
    expect(clip.format).toBe('wav');
    // About 30 syllables at 150 words a minute: several seconds, not a blip and not a hang.
    expect(clip.durationMs).toBeGreaterThan(3000);
    expect(clip.durationMs).toBeLessThan(30_000);
  });

  it('vgw say --dry-run prints the voice and the command lines it would run', async () => {
    const lines: string[] = [];
    expect(await say('喇叭测试', { dryRun: true, volume: 70 }, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/^语音 voice: espeak-ng cmn/);
    expect(lines).toContainEqual(expect.stringMatching(/^合成 rendered: \d+\.\d s of speech$/));
    expect(lines).toContain('would run: amixer -q -c 0 sset PCM 70%');
    expect(lines).toContainEqual(expect.stringMatching(/^would run: aplay -q -D default \/.*\/notice\.wav$/));
  });
});

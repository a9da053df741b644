/**
 * The real audio backend at its seam: the exact command lines (espeak-ng, aplay, mpg123, amixer), run
 * against stand-in tools on the PATH that record their arguments — a stop kills the player at once, a
 * failing or missing tool says why. Also: reading WAV and MP3 lengths, and the espeak-ng voice choice
 * against a fake espeak-ng that answers like version 1.51 does.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AlsaAudio, mixerCommand, playerCommand } from '../../device-drivers/loudspeaker/alsa-audio.js';
import { readClip, writeWav } from '../../device-drivers/loudspeaker/audio-file.js';
import { EspeakSpeech, phonemeCommand, renderCommand } from '../../device-drivers/loudspeaker/espeak.js';
import type { AlsaOutput, Clip } from '../../device-drivers/loudspeaker/speaker.js';
import type { ToolCommand } from '../../device-drivers/loudspeaker/tool.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-audio-'));
const OUT: AlsaOutput = { device: 'speaker-main', pcm: 'plughw:CARD=Headphones', mixer: { card: '1', control: 'Headphone' } };
const clip = (format: 'wav' | 'mp3'): Clip => ({ path: `/var/lib/vgw/n.${format}`, format, durationMs: 1000, label: 'test', source: { sound: 'n' } });

describe('command lines of the real backend', () => {
  it('plays WAV with aplay and MP3 with mpg123 on the configured PCM, sets volume with amixer, speaks with espeak-ng', () => {
    expect(playerCommand(clip('wav'), OUT, 80)).toEqual({ cmd: 'aplay', args: ['-q', '-D', 'plughw:CARD=Headphones', '/var/lib/vgw/n.wav'] });
    expect(playerCommand(clip('mp3'), OUT, 80)).toEqual({ cmd: 'mpg123', args: ['-q', '-a', 'plughw:CARD=Headphones', '/var/lib/vgw/n.mp3'] });
    // Without a mixer control, mpg123 scales its output: -f 32768 is 100 %.
    expect(playerCommand(clip('mp3'), { ...OUT, mixer: null }, 50)).toEqual({ cmd: 'mpg123', args: ['-q', '-a', 'plughw:CARD=Headphones', '-f', '16384', '/var/lib/vgw/n.mp3'] });
    expect(mixerCommand({ card: '1', control: 'Headphone' }, 65)).toEqual({ cmd: 'amixer', args: ['-q', '-c', '1', 'sset', 'Headphone', '65%'] });
    expect(renderCommand('cmn-latn-pinyin', '/tmp/n.wav')).toEqual({ cmd: 'espeak-ng', args: ['-b', '1', '-v', 'cmn-latn-pinyin', '-s', '150', '-w', '/tmp/n.wav', '--stdin'] });
    expect(phonemeCommand('cmn')).toEqual({ cmd: 'espeak-ng', args: ['-q', '-b', '1', '-x', '-v', 'cmn', '--stdin'] });
  });
});

describe('AlsaAudio against stand-in tools on the PATH', () => {
  const bin = mkdtempSync(join(tmpdir(), 'vgw-bin-'));
  const log = join(bin, 'calls.log');
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('aplay', 'exec sleep 5');
  tool('amixer', 'exit 0');
  tool('mpg123', "echo 'cannot open device plughw:CARD=Headphones' >&2; exit 1");
  const withPath = async <T>(path: string, run: () => Promise<T>): Promise<T> => {
    const saved = process.env.PATH;
    process.env.PATH = path;
    try {
      return await run();
    } finally {
      process.env.PATH = saved;
    }
  };
  const audio = new AlsaAudio();

  it('runs the exact command lines, and a stop kills the player at once', async () => {
    await withPath(`${bin}:${process.env.PATH}`, async () => {
      await audio.setVolume(OUT, 65);
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 150);
      const started = Date.now();
      await audio.play(clip('wav'), OUT, 65, stop.signal); // the stand-in would play for 5 s
      expect(Date.now() - started).toBeLessThan(1500);
    });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['amixer -q -c 1 sset Headphone 65%', 'aplay -q -D plughw:CARD=Headphones /var/lib/vgw/n.wav']);
  });

  it('says why a player failed, and which package installs a missing tool', async () => {
    await withPath(`${bin}:${process.env.PATH}`, async () => {
      await expect(audio.play(clip('mp3'), OUT, 80, new AbortController().signal)).rejects.toThrow('mpg123 exited with code 1: cannot open device plughw:CARD=Headphones');
    });
    await withPath(mkdtempSync(join(tmpdir(), 'vgw-empty-')), async () => {
      await expect(audio.play(clip('wav'), OUT, 80, new AbortController().signal)).rejects.toThrow('aplay is not installed (Debian: apt-get install -y alsa-utils)');
    });
  });
});

describe('audio file lengths', () => {
  it('reads a WAV length from its header, or from the file size when a streaming writer left none', () => {
    const path = join(dir, 'a.wav');
    writeWav(path, new Int16Array(24_000), 16_000);
    expect(readClip(path, 'a', { sound: 'a' })).toMatchObject({ format: 'wav', durationMs: 1500 });
    const bytes = readFileSync(path);
    bytes.writeUInt32LE(0xffffffff, 40); // data size unknown, as espeak-ng writes to a pipe
    writeFileSync(path, bytes);
    expect(readClip(path, 'a', { sound: 'a' }).durationMs).toBe(1500);
  });

  it('estimates an MP3 length from its bitrate, past an ID3 tag; refuses what is neither', () => {
    const id3 = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 10, ...Array<number>(10).fill(0)]); // 10-byte tag body
    const frame = Buffer.alloc(418);
    frame.set([0xff, 0xfb, 0x90, 0x00]); // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
    const path = join(dir, 'b.mp3');
    writeFileSync(path, Buffer.concat([id3, ...Array<Buffer>(40).fill(frame)]));
    expect(readClip(path, 'b', { sound: 'b' })).toMatchObject({ format: 'mp3', durationMs: Math.round((40 * 418 * 8) / 128) });
    writeFileSync(join(dir, 'c.mp3'), '<html>not found</html>');
    expect(() => readClip(join(dir, 'c.mp3'), 'c', { sound: 'c' })).toThrow(/neither WAV nor MP3/);
  });
});

describe('espeak-ng voice choice', () => {
  /** Answers `-x` like espeak-ng: `cmn` switching to English when `cmnSwitches`, pinyin tones otherwise. */
  const fakeEspeak = (cmnSwitches: boolean) => {
    const calls: string[][] = [];
    const run = async ({ args }: ToolCommand) => {
      calls.push(args);
      const voice = args[args.indexOf('-v') + 1];
      const english = voice === 'cmn' && cmnSwitches;
      return { stdout: english ? "(en)dZI55nw'055n_| tja55nw'055n(cmn)_|\n" : "tS;'i55n_| th'iE55n_|\n", stopped: false };
    };
    return { calls, speech: new EspeakSpeech({ voice: 'auto', log: pino({ level: 'silent' }), run }) };
  };

  it('takes cmn-latn-pinyin where cmn reads tone digits in English (espeak-ng 1.51), cmn where it does not; asks once', async () => {
    const old = fakeEspeak(true);
    expect(await old.speech.pick()).toBe('cmn-latn-pinyin');
    expect(await old.speech.voice()).toBe('espeak-ng:cmn-latn-pinyin');
    expect(old.calls).toHaveLength(2);
    const fixed = fakeEspeak(false);
    expect(await fixed.speech.pick()).toBe('cmn');
    expect(fixed.calls).toHaveLength(1);
  });

  it('says what it tried when no voice speaks Mandarin, and tries again next time', async () => {
    const run = async () => ({ stdout: "(en)h@l'oU(cmn)\n", stopped: false });
    const speech = new EspeakSpeech({ voice: 'auto', log: pino({ level: 'silent' }), run });
    await expect(speech.pick()).rejects.toThrow(/no voice that speaks Mandarin here \(cmn: switches to English .*; cmn-latn-pinyin: switches to English/);
    await expect(speech.pick()).rejects.toThrow(/no voice/);
  });
});

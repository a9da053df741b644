/**
 * Just enough of WAV and MP3 to know what a file is and how long it plays: the queue must know a
 * notice's length (events report it, simulated and IP speakers are held busy for it), and a download
 * must be refused when it is not audio at all.
 */
import { openSync, readSync, closeSync, fstatSync, writeFileSync } from 'node:fs';
import type { AudioFormat, Clip, ClipSource } from './speaker.js';

const HEAD_BYTES = 64 * 1024;

/** Bitrates (kbit/s) of MPEG audio Layer III by header index: MPEG-1, then MPEG-2 and 2.5. */
const MP3_KBPS = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
} as const;

export function sniffFormat(head: Buffer): AudioFormat | null {
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return 'wav';
  if (head.toString('latin1', 0, 3) === 'ID3' || mp3Frame(head, 0) !== null) return 'mp3';
  return null;
}

/** Reads the header of a WAV or MP3 file into a clip; throws when it is neither. */
export function readClip(path: string, label: string, source: ClipSource): Clip {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    readSync(fd, head, 0, head.length, 0);
    const format = sniffFormat(head);
    if (format === 'wav') return { path, format, durationMs: wavDurationMs(head, size, path), label, source };
    if (format === 'mp3') return { path, format, durationMs: mp3DurationMs(head, size, path), label, source };
    throw new Error(`${path} is neither WAV nor MP3 audio`);
  } finally {
    closeSync(fd);
  }
}

function wavDurationMs(head: Buffer, fileSize: number, path: string): number {
  let byteRate = 0;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= head.length) byteRate = head.readUInt32LE(at + 16);
    if (id === 'data') {
      if (byteRate === 0) break;
      const available = fileSize - (at + 8);
      // Writers that stream (espeak-ng to a pipe, arecord) leave 0 or 0xFFFFFFFF as the size.
      const bytes = size === 0 || size > available ? available : size;
      return Math.round((bytes * 1000) / byteRate);
    }
    at += 8 + size + (size % 2); // RIFF chunks are padded to an even length
  }
  throw new Error(`${path}: WAV without a readable "fmt " and "data" chunk`);
}

function mp3DurationMs(head: Buffer, fileSize: number, path: string): number {
  let at = 0;
  if (head.toString('latin1', 0, 3) === 'ID3' && head.length >= 10) {
    // ID3v2 size is "synchsafe": 7 bits per byte; a footer (flag 0x10) adds 10 bytes.
    const tag = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    at = 10 + tag + (head[5]! & 0x10 ? 10 : 0);
  }
  for (; at + 4 <= head.length; at++) {
    const kbps = mp3Frame(head, at);
    // Constant bitrate assumed: good to a second or so for VBR files, which only the estimate uses.
    if (kbps) return Math.round(((fileSize - at) * 8) / kbps);
  }
  throw new Error(`${path}: no MPEG audio Layer III frame in its first ${HEAD_BYTES} bytes`);
}

/** The bitrate of a Layer III frame header at `at`, or null. */
function mp3Frame(buf: Buffer, at: number): number | null {
  if (at + 4 > buf.length || buf[at] !== 0xff || (buf[at + 1]! & 0xe0) !== 0xe0) return null;
  const version = (buf[at + 1]! >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
  const layer = (buf[at + 1]! >> 1) & 3; // 1: Layer III
  const index = (buf[at + 2]! >> 4) & 0xf;
  if (version === 1 || layer !== 1 || index === 0 || index === 15) return null;
  return (version === 3 ? MP3_KBPS.v1 : MP3_KBPS.v2)[index] ?? null;
}

/** Writes 16-bit mono PCM samples as a WAV file. */
export function writeWav(path: string, samples: Int16Array, sampleRate: number): void {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

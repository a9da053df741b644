/** Reads a PNG screenshot back (8-bit RGB/RGBA, as Chromium writes them): its size and where its content ends. */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

export interface Png {
  width: number;
  height: number;
  /** Rows of pixels, each `width * channels` bytes. */
  rows: Buffer[];
  channels: number;
}

export function readPng(file: string): Png {
  const data = readFileSync(file);
  if (data.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error(`${file} is not a PNG`);
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < data.length) {
    const len = data.readUInt32BE(off);
    const type = data.toString('latin1', off + 4, off + 8);
    const body = data.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8) throw new Error('only 8-bit PNGs');
      channels = ({ 2: 3, 6: 4 } as Record<number, number>)[body[9]!] ?? 0;
      if (!channels || body[12] !== 0) throw new Error('only non-interlaced RGB/RGBA PNGs');
    } else if (type === 'IDAT') idat.push(body);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const add = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter]!;
      line[x] = (line[x]! + add) & 0xff;
    }
    rows.push(line);
    prev = line;
  }
  return { width, height, rows, channels };
}

/** The last row (from the top) holding a pixel that is not white: where the page's content ends. */
export function contentBottom(png: Png): number {
  for (let y = png.height - 1; y >= 0; y--) {
    const row = png.rows[y]!;
    for (let x = 0; x < row.length; x += png.channels) if (row[x]! < 200 || row[x + 1]! < 200 || row[x + 2]! < 200) return y;
  }
  return -1;
}

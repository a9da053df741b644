/**
 * A small valid baseline JPEG built in code, for the fake camera and the demo: one grey component,
 * every 8×8 block flat (DC difference 0, then end-of-block), with one-code Huffman tables, so the scan
 * is two bits per block. Decoders show a uniform grey picture of the asked size (ITU T.81 Annex B).
 */

const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];

/** A grey `width`×`height` JPEG (multiples of 8 keep it simple; others are padded by the decoder). */
export function tinyJpeg(width = 320, height = 240): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const dqt = segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const sof = segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  // One code of length 1 in each table: DC symbol 0 (no difference), AC symbol 0x00 (end of block).
  const counts = [1, ...new Array<number>(15).fill(0)];
  const dht = segment(0xc4, [0x00, ...counts, 0x00, 0x10, ...counts, 0x00]);
  const sos = segment(0xda, [1, 1, 0x00, 0, 63, 0]);
  // Two zero bits per block; the last byte padded with ones (T.81 §F.1.2.3). Zeros need no byte stuffing.
  const bits = blocks * 2;
  const scan = new Array<number>(Math.ceil(bits / 8)).fill(0);
  if (bits % 8) scan[scan.length - 1] = 0xff >> (bits % 8);
  return Buffer.from([0xff, 0xd8, ...dqt, ...sof, ...dht, ...sos, ...scan, 0xff, 0xd9]);
}

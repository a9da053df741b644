/** Reads a JPEG's size from its start-of-frame header (ITU T.81 §B.2.2), for probes and events. */

/** Width and height of `jpeg`, or null when it is not a JPEG with a frame header. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= jpeg.length) {
    if (jpeg[i] !== 0xff) return null;
    const marker = jpeg[i + 1] as number;
    // Fill bytes and markers without a length (RSTn, TEM).
    if (marker === 0xff) {
      i++;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const len = jpeg.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > jpeg.length) return null;
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    }
    if (marker === 0xda) return null;
    i += 2 + len;
  }
  return null;
}

/** Whether `b` starts like a JPEG (SOI marker). */
export const isJpeg = (b: Buffer): boolean => b.length > 2 && b[0] === 0xff && b[1] === 0xd8;

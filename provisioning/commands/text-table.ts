/** Aligned columns on a terminal; Chinese characters take two cells, so widths count them twice. */

/** Terminal cells of `s`: CJK ideographs, kana, Hangul and full-width forms are two wide. */
export function cells(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

/** Writes `rows` indented by two spaces, each column padded to its widest cell. */
export function printTable(out: NodeJS.WritableStream, rows: string[][]): void {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, cells(c))));
  for (const r of rows) out.write(`  ${r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - cells(c)))).join('  ')}\n`);
}

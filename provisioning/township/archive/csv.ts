/** RFC 4180 CSV fields: one with a comma, quote or line break is quoted, its quotes doubled. */
export const csvField = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * "Did you mean" for config keys: the keys a config object allows, read from the schema itself, and
 * the one closest to a misspelt key by edit distance (`zone:` → `zones:`, `keepalive` → `keepaliveSec`).
 */
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object keys allowed at `path` of `schema`, given the raw config (to pick a device's driver schema); null when not an object. */
export function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[], raw: unknown): string[] | null {
  let s: z.ZodType | undefined = schema;
  let v: unknown = raw;
  let i = 0;
  while (s) {
    const d = defOf(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe') s = d.in;
    else if (d.type === 'union' && d.options) {
      // A discriminated union (devices): the option whose literal `driver` matches the raw value.
      const tag = d.discriminator && v && typeof v === 'object' ? (v as Record<string, unknown>)[d.discriminator] : undefined;
      s = d.options.find((o) => {
        const k = d.discriminator ? allowedShape(o)?.[d.discriminator] : undefined;
        return k !== undefined && (defOf(k) as { values?: unknown[] }).values?.includes(tag);
      });
    } else if (i === path.length) return d.type === 'object' && d.shape ? Object.keys(d.shape) : null;
    else {
      const p = path[i++] as PropertyKey;
      v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
      s = d.type === 'object' ? d.shape?.[String(p)] : d.type === 'array' ? d.element : d.type === 'record' ? d.valueType : undefined;
    }
  }
  return null;
}

function allowedShape(s: z.ZodType): Record<string, z.ZodType> | undefined {
  let d = defOf(s);
  while (d.innerType ?? (d.type === 'pipe' ? d.in : undefined)) d = defOf((d.innerType ?? d.in) as z.ZodType);
  return d.shape;
}

/** Levenshtein distance, case-insensitive (keys are short: a two-row table is plenty). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length] as number;
}

/** The candidate nearest to `word`, if near enough to be a likely typo (a third of its letters, at least 2) or a prefix of it. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = c.toLowerCase().startsWith(word.toLowerCase()) || word.toLowerCase().startsWith(c.toLowerCase()) ? Math.min(1, editDistance(word, c)) : editDistance(word, c);
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/**
 * Module resolution hooks (node:module register, Node 20.6+) of import-recorder.ts: each resolved
 * import is appended at once, synchronously, so nothing is lost when the process exits right after.
 */
import { appendFileSync } from 'node:fs';

interface Resolved {
  url: string;
}
type NextResolve = (specifier: string, context: { parentURL?: string | undefined }) => Promise<Resolved>;

let file = '';

export function initialize(data: { file: string }): void {
  file = data.file;
}

export async function resolve(specifier: string, context: { parentURL?: string | undefined }, next: NextResolve): Promise<Resolved> {
  const resolved = await next(specifier, context);
  appendFileSync(file, `${context.parentURL ?? ''}\t${resolved.url}\n`);
  return resolved;
}

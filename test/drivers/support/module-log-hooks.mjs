// Loader hooks (issue 14): appends every module URL the process resolves to the file in VGW_MODULE_LOG.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(process.env.VGW_MODULE_LOG, `${resolved.url}\n`);
  return resolved;
}

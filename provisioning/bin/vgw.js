#!/usr/bin/env node
// The installed `vgw`: runs the compiled CLI (`npm run build`) when it is there, which saves the
// TypeScript loader's ~45 MiB on the box; otherwise runs the sources through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../../dist/provisioning/cli.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli.ts');
}

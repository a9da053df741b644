// Loaded into `vgw run` by test/opcua/boundary.test.ts (NODE_OPTIONS=--import): on SIGUSR2 writes the
// node-opcua modules in this process's module cache to $VGW_MODULES_OUT.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
process.on('SIGUSR2', () => {
  const loaded = Object.keys(require.cache).filter((k) => k.includes('node-opcua'));
  writeFileSync(process.env.VGW_MODULES_OUT, JSON.stringify({ loaded, total: Object.keys(require.cache).length }));
});

/** The gateway's version, from package.json (reported in `status` birth messages). */
import { existsSync, readFileSync } from 'node:fs';

// One level up from gateway/ when run from source, two from dist/gateway/ when compiled.
const file = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((u) => existsSync(u));

export const VERSION: string = file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : '0.0.0';

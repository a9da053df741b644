/** The README's installer walk-through in Chinese, every command run as written (see walkthrough.ts for what a test bench changes). */
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '../support/tools.js';
import { checkWalkthrough, runWalkthrough } from './walkthrough.js';

const ok = requireTools('mosquitto', 'openssl', 'chromium');

describe.skipIf(!ok)('README walk-through (zh)', () => {
  let stop = async () => {};
  afterAll(async () => stop());

  it('goes from init to a printed report, every step passing', async () => {
    const run = await runWalkthrough('zh');
    stop = run.stop;
    checkWalkthrough('zh', run.dir, run.results, expect);
  });
});

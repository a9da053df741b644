/**
 * Issue 9: the import-boundary rule of eslint.config.js fails on upward imports, type-only ones too.
 * Runs the project's own ESLint config on fixtures under test/lint-fixtures/ (ignored by `npm run lint`).
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

async function boundaryErrors(fixture: string): Promise<{ line: number; message: string }[]> {
  const eslint = new ESLint({ cwd: root, ignore: false });
  const [result] = await eslint.lintFiles([`test/lint-fixtures/${fixture}`]);
  expect(result?.fatalErrorCount, JSON.stringify(result?.messages)).toBe(0);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => ({ line: m.line, message: m.message }));
}

describe('the layer boundary lint rule', { timeout: 60_000 }, () => {
  it('is not run on the fixtures by the normal lint', async () => {
    const eslint = new ESLint({ cwd: root });
    expect(await eslint.isPathIgnored('test/lint-fixtures/device-drivers/upward-import.ts')).toBe(true);
  });

  it('fails a driver importing gateway/ at run time and type-only, and lets it import the kernel', async () => {
    const errors = await boundaryErrors('device-drivers/upward-import.ts');
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    for (const e of errors) expect(e.message).toMatch(/layer boundary: a driver may import gateway\/ only from gateway\/kernel/);
  });

  it('fails the cloud bridge importing the pipeline type-only', async () => {
    const errors = await boundaryErrors('cloud-bridge/upward-import.ts');
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(/layer boundary: the cloud bridge may import gateway\/ only from gateway\/kernel/) }]);
  });

  it('fails the kernel importing anything of ours', async () => {
    const errors = await boundaryErrors('gateway/kernel/upward-import.ts');
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(/leaf kernel: it imports nothing of ours/) }]);
  });

  it("fails a township tool importing the village daemon's drivers and outbox", async () => {
    const errors = await boundaryErrors('provisioning/township/upward-import.ts');
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    for (const e of errors) expect(e.message).toMatch(/township tools never import the village daemon's code/);
  });
});

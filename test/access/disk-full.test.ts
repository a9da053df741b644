/**
 * Issue 10 on a full disk (a real 20 MB tmpfs, filled to the last byte): the whitelist is still read,
 * a resident's card still opens the gate and the reader is answered; the access event that cannot be
 * stored is counted by the outbox (reported as `system.outbox.refused`) and logged, not lost silently.
 * Before, the refused commit made the decision throw: no unlock, no answer, the reader resending.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fillDisk, smallFilesystem, unmount } from '../support/small-fs.js';
import { ADMIN, ReaderClient, run, signed, startAccessGateway, waitFor, type AccessGateway } from './support/access-gateway.js';
import { unlocks } from './support/test-door.js';

const MOUNT = mkdtempSync(join(tmpdir(), 'vgw-access-fs-'));

describe.runIf(smallFilesystem(MOUNT, 'ACCESS DISK-FULL TEST'))('door access on a full disk', () => {
  let a: AccessGateway | null = null;
  afterAll(async () => {
    await a?.gateway.stop();
    unmount(MOUNT);
    rmSync(MOUNT, { recursive: true, force: true });
  });

  it('still decides and opens; the unstored event is counted and logged', async () => {
    const dataDir = join(MOUNT, 'gw');
    mkdirSync(dataDir);
    a = await startAccessGateway({ dataDir, outbox: { minFreeBytes: 3 * 1024 * 1024, reserveBytes: 2 * 1024 * 1024 } });
    const g = a.gateway;
    const persons = [{ id: 'p-1', kind: 'resident', doors: ['east-gate'], credentials: [{ method: 'card', value: '6154410' }] }];
    expect(await run(g, signed(a.gatewayId, 'access.sync', { mode: 'full', version: 1, persons }, ADMIN))).toMatchObject({ status: 'done' });
    const reader = await ReaderClient.connect(g.localPort, 'reader-east');
    const filler = fillDisk(MOUNT);
    try {
      // An info event on the full disk puts the outbox in its full-disk mode (refused, counted).
      await g.testApi.emit({ device: 'east-gate', category: 'door', type: 'door.probe', data: {} }).catch(() => undefined);
      await waitFor(() => g.inspect().diskFull, 10_000, 'the outbox to notice the full disk');
      const refused = g.inspect().refused.diskFull;
      const before = unlocks.length;
      const answers = [];
      for (const value of ['6154410', '9999999', '6154410']) answers.push(await reader.present({ method: 'card', value }));
      expect(answers.map((x) => x.reason ?? x.action)).toEqual(['grant', 'unknown', 'grant']);
      expect(unlocks.length - before).toBe(2);
      expect(g.inspect().refused.diskFull - refused).toBe(3);
      expect(a.logs.lines.filter((l) => l.msg === 'access event not stored; the decision stands')).toHaveLength(3);
      expect(JSON.stringify(a.logs.lines)).not.toMatch(/6154410|9999999/);
    } finally {
      unlinkSync(filler);
      await reader.close();
    }
  });
});

/**
 * A welfare alert that falls due while the data disk is full (a real 20 MB tmpfs filled by something
 * else): the outbox refuses it (only critical events fit), the rule tries again at each look instead
 * of marking the absence reported, and once space returns exactly one `person.absent` reaches the
 * township. Nothing lost, nothing doubled.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { fillDisk, smallFilesystem, unmount } from '../support/small-fs.js';
import { requireTools } from '../support/tools.js';
import { at, handClock, received, startVillage, waitForEvents, type Village } from './support.js';

const GW = '370283104-rules-disk';
const MOUNT = mkdtempSync(join(tmpdir(), 'vgw-rules-fs-'));

const usable = requireTools('mosquitto', 'dd') && smallFilesystem(MOUNT, 'RULES DISK-FULL TEST');

describe.runIf(usable)('a welfare alert on a full disk', () => {
  const township = new Mosquitto({ persistence: true });
  const clock = handClock(at(25, 7, 0));
  let probe: TownshipProbe;
  let v: Village;
  const swipe = (person: string) => v.gateway.testApi.emit({ device: 'reader-1', category: 'access', type: 'access.granted', data: { door: 'gate', reader: 'reader-1', person, lists: ['elderly-alone'], credential: { method: 'card', hash: '0a'.repeat(32), last2: '07' } } });
  const absent = (person: string) => received(probe, 'person.absent').filter((e) => e.data.person === person);

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-rules-disk');
    const dataDir = join(MOUNT, 'gw');
    mkdirSync(dataDir);
    v = await startVillage({
      uplinkUrl: township.url,
      gatewayId: GW,
      clock,
      dataDir,
      lan: [{ id: 'reader-1', password: 'reader-secret-1', category: 'access' }],
      override: {
        outbox: { minFreeBytes: 3 * 1024 * 1024, reserveBytes: 2 * 1024 * 1024 },
        personRules: { checkEverySec: 0.05, rules: [{ name: 'elderly-welfare', trigger: 'absent', lists: ['elderly-alone'], hours: 24 }] },
      },
    });
  });
  afterAll(async () => {
    await v?.gateway.stop();
    await probe?.close();
    await township.stop();
    unmount(MOUNT);
    rmSync(MOUNT, { recursive: true, force: true });
  });

  it('is refused while the disk is full, tried again, and delivered once when space returns', async () => {
    clock.set(at(25, 8, 0));
    await swipe('e-wang');
    clock.set(at(25, 9, 0));
    await swipe('e-li');
    const filler = fillDisk(MOUNT);
    // Until the outbox notices: an info event that cannot be stored puts it in full-disk mode.
    for (let n = 0; n < 200 && !v.gateway.inspect().diskFull; n++) await v.gateway.testApi.emit({ device: GW, category: 'system', type: 'system.test.filler', severity: 'info', data: { n, pad: 'x'.repeat(4000) } }).catch(() => undefined);
    expect(v.gateway.inspect().diskFull).toBe(true);
    const refusedBefore = v.gateway.inspect().refused.diskFull;

    clock.set(at(26, 8, 1)); // e-wang is due
    await probe.waitFor(() => v.gateway.inspect().refused.diskFull >= refusedBefore + 3, 10_000, 'the alert refused at three looks');
    expect(absent('e-wang')).toEqual([]);

    rmSync(filler);
    await probe.waitFor(() => !v.gateway.inspect().diskFull, 10_000, 'intake resumed');
    await waitForEvents(probe, 'person.absent', 1, 20_000);
    clock.set(at(26, 9, 1)); // e-li is due: by then the rule has looked at e-wang many times more
    await probe.waitFor(() => absent('e-li').length === 1, 20_000, "e-li's alert");
    expect(absent('e-wang')).toHaveLength(1);
    expect(new Set(received(probe, 'person.absent').map((e) => e.id)).size).toBe(2);
    expect(absent('e-wang')[0]).toMatchObject({ severity: 'major', data: { lastSeen: '2026-11-25T08:00:00.000+08:00' } });
  });
});

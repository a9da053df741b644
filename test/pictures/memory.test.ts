/**
 * Issue 11: pictures waiting do not sit in memory. A gateway process stores 100 pictures of about
 * 500 kB (50 MB) while the township is unreachable, then drains them to a real Mosquitto; its peak
 * RSS during the drain (VmHWM, reset through /proc/{pid}/clear_refs) grows by about one picture,
 * not by the backlog: the uplink reads one file at a time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { waitFor } from './support/picture-gateway.js';
import { SlowLink } from './support/slow-link.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const COUNT = 100;
const SIZE = 500_000;
const kib = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe.runIf(requireTools('mosquitto') && process.getuid?.() === 0)('memory of a picture backlog (gateway process)', () => {
  it('draining 50 MB of pictures raises the peak RSS by about one picture', async () => {
    const broker = new Mosquitto();
    await broker.start();
    const probe = await TownshipProbe.connect(broker.url);
    // Down while the pictures are taken: the township is unreachable.
    const link = new SlowLink(broker.port);
    link.mode = 'down';
    await link.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-pictures-mem-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/pictures/support/picture-child.ts'), dataDir, link.url, String(COUNT), String(SIZE)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes(`emitted ${COUNT}`) || child.exitCode !== null, 60_000, `the child to store ${COUNT} pictures (${out.slice(-300)})`);
      const pid = child.pid as number;
      // Let the garbage collector settle what taking the pictures left, then measure the drain alone.
      await new Promise((r) => setTimeout(r, 1000));
      const before = kib(pid, 'VmRSS');
      writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
      link.mode = 'pass';
      await waitFor(() => probe.messages.filter((m) => m.topic.includes('/snapshots/')).length >= COUNT, 60_000, `the ${COUNT} snapshots at the township`);
      const peak = kib(pid, 'VmHWM');
      const growthMiB = (peak - before) / 1024;
      process.stdout.write(`[pictures] drain of ${COUNT} x ${SIZE / 1000} kB pictures: RSS before ${(before / 1024).toFixed(1)} MiB, peak during ${(peak / 1024).toFixed(1)} MiB (+${growthMiB.toFixed(1)} MiB)\n`);
      expect(growthMiB, 'peak RSS growth while draining 50 MB of pictures').toBeLessThan(20);
      expect(probe.invalid).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await link.stop();
      await probe.close();
      await broker.stop();
    }
  }, 120_000);
});

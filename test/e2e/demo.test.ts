/**
 * The demo exactly as the README runs it (issue 8, findings 15 and 26): `npm start` shows every scene
 * with its real waits — the last one ends with each village's answer — then keeps running with live
 * traffic until Ctrl-C; `npm run vgw -- demo --duration 45` stops by itself. Neither leaves its temp
 * directory behind. Ctrl-C is SIGINT to the whole process group, as a terminal sends it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/vgw-cli.js';

interface Run {
  output: () => string;
  exited: Promise<number | null>;
  pid: number;
  tmp: string;
}

/** `npm <args>` in the repo, in its own process group, with its own TMPDIR to see what it leaves. */
function npm(args: string[]): Run {
  const tmp = mkdtempSync(join(tmpdir(), 'vgw-demo-test-'));
  const child = spawn('npm', args, { cwd: ROOT, detached: true, env: { ...process.env, TMPDIR: tmp } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { output: () => output, exited, pid: child.pid as number, tmp };
}

async function until(what: string, ok: () => boolean, run: Run, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms / 1000} s for ${what}; output:\n${run.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What every complete demo shows, and what the broken one showed. */
function expectWholeStory(out: string): void {
  expect(out).toMatch(/township link cut/);
  expect(out).toMatch(/gateway backlog: [1-9]\d* messages waiting/);
  expect(out).toMatch(/operator: 370283104-demo-01\s+done/);
  for (const village of ['370283104-demo-02', '370283104-demo-03']) {
    expect(out).toMatch(new RegExp(`operator: ${village}\\s+done`));
    expect(out).toMatch(new RegExp(`${village} speaker-square played 「.+」 for \\d+\\.\\d s\\n`));
  }
  expect(out).toMatch(/operator: 370283104-demo-01\s+rejected/);
  expect(out).toMatch(/replies: 1 rejected, 2 done/);
  expect(out).toMatch(/township ◀ !!  major +seq=\d+ cam-market camera\.motion .*"snapshot":\{"topic":"[^"]+\/snapshots\/[^"]+","bytes":\d+,"sha256":"[0-9a-f]{64}"\}/);
  // The door scene (issue 10, item 9): the whitelist synced and pushed to the controller, resident in,
  // stranger refused, forced at night with the siren, remote unlock answered done.
  expect(out).toMatch(/gate controller card list: 1 card\(s\), pushed by the gateway/);
  expect(out).toMatch(/ctl-village-gate access\.granted \{"door":"gate-village","reader":"ctl-village-gate","person":"p-resident-0417"/);
  expect(out).toMatch(/gate-village door\.unlocked \{"by":"grant"/);
  expect(out).toMatch(/ctl-village-gate access\.denied \{"door":"gate-village","reader":"ctl-village-gate","reason":"unknown"/);
  expect(out).toMatch(/CRITICAL seq=\d+ gate-village door\.forced/);
  expect(out).toMatch(/reaction\.executed \{"reaction":"gate-forced-siren"/);
  expect(out).toMatch(/signed door\.unlock\) ───[\s\S]*?operator: 370283104-demo-01\s+done[\s\S]*?gate controller relay released: the gate is open/);
  expect(out).not.toContain('10058400'); // the resident's card number never in clear
  expect(out).not.toMatch(/Infinity/);
  expect(out).not.toMatch(/TimeoutOverflowWarning/);
  expect(out).not.toMatch(/no reply from/);
  expect(out).not.toMatch(/skipped/);
}

const leftovers = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('vgw-'));

describe('the demo as the README runs it', { concurrent: true }, () => {
  it('npm start: every scene to its end, then live traffic until Ctrl-C, which exits 0 and cleans up', async () => {
    const run = npm(['start']);
    try {
      const afterScenes = () => run.output().split('all scenes done')[1] ?? '';
      await until('the last scene and then live traffic', () => (afterScenes().match(/township ◀ .*seq=\d+/g) ?? []).length >= 3, run, 90_000);
      expectWholeStory(run.output());
      expect(leftovers(run.tmp)).toHaveLength(1); // the demo's own, while it runs
      process.kill(-run.pid, 'SIGINT');
      expect(await run.exited, run.output().slice(-1500)).toBe(0);
      expect(run.output()).toMatch(/SIGINT: stopping the demo/);
      expect(leftovers(run.tmp)).toEqual([]);
    } finally {
      try {
        process.kill(-run.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 120_000);

  it('npm run vgw -- demo --duration 45: the whole story, then it stops by itself and cleans up', async () => {
    const run = npm(['run', 'vgw', '--', 'demo', '--duration', '45']);
    const code = await Promise.race([run.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 100_000))]);
    if (code === 'hung') process.kill(-run.pid, 'SIGKILL');
    expect(code).toBe(0);
    expectWholeStory(run.output());
    expect(run.output()).toMatch(/demo finished; its temp directory .* is removed/);
    expect(leftovers(run.tmp)).toEqual([]);
  }, 120_000);
});

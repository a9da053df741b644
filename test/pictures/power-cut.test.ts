/**
 * Issue 11, item 2.1: a power cut never leaves an event naming a missing picture. The LD_PRELOAD shim
 * of the power-cut test (test/ops/support/durable-shim.c) keeps the durable image of the pictures
 * folder: a file's content as of its last completed fsync, and its name only once the folder was
 * fsynced. The gateway child is killed -9 while it commits pictures; every event in its database that
 * names a picture (a superset of what the durable database holds) must find that picture, byte for
 * byte, in the durable image. A file written without sync (the control) must be missing there.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB_FILE } from '../../cloud-bridge/db.js';
import { requireTools } from '../support/tools.js';
import { waitFor } from './support/picture-gateway.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe.runIf(requireTools('cc'))('pictures across a power cut (durable image of the pictures folder)', () => {
  it('every stored event naming a picture finds it in the durable image', async () => {
    const so = join(mkdtempSync(join(tmpdir(), 'vgw-shim-')), 'durable-shim.so');
    const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', so, join(ROOT, 'test/ops/support/durable-shim.c'), '-ldl'], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'vgw-pictures-cut-')));
    const shadow = mkdtempSync(join(tmpdir(), 'vgw-pictures-shadow-'));
    const env = { ...process.env, LD_PRELOAD: so, VGW_DURABLE_DIR: join(dataDir, 'snapshots'), VGW_DURABLE_SHADOW: shadow };
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/pictures/support/picture-child.ts'), dataDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const committed = () => out.split('\n').filter((l) => l.startsWith('committed ')).length;
    await waitFor(() => committed() >= 30 || child.exitCode !== null, 30_000, `the child to commit 30 pictures (output: ${out.slice(-300)})`);
    await new Promise((r) => setTimeout(r, Math.random() * 500));
    child.kill('SIGKILL'); // the power goes: what was not synced is lost
    await new Promise((r) => child.once('exit', r));
    expect(committed()).toBeGreaterThanOrEqual(30);

    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    const named = (db.prepare("SELECT payload FROM outbox WHERE kind = 'event'").pluck().all() as Buffer[])
      .map((p) => JSON.parse(p.toString()) as { id: string; data: { snapshot?: { bytes: number; sha256: string } } })
      .filter((e) => e.data.snapshot);
    db.close();
    const missing = named.filter((e) => {
      const image = join(shadow, `${e.id}.jpg`);
      if (!existsSync(image) || !existsSync(`${image}.entry`)) return true;
      const bytes = readFileSync(image);
      return bytes.length !== e.data.snapshot?.bytes || createHash('sha256').update(bytes).digest('hex') !== e.data.snapshot.sha256;
    });
    process.stdout.write(`[pictures] power cut: ${committed()} committed, ${named.length} events naming a picture, ${missing.length} without it in the durable image\n`);
    expect(named.length).toBeGreaterThanOrEqual(committed());
    expect(missing.map((e) => e.id)).toEqual([]);
    // The control: written without fsync, so a power cut loses it.
    expect(existsSync(join(dataDir, 'snapshots', 'control-unsynced.jpg'))).toBe(true);
    expect(existsSync(join(shadow, 'control-unsynced.jpg'))).toBe(false);
  }, 60_000);
});

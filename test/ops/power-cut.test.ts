/**
 * Issue 13, item 6: a power cut loses no acknowledged event. No VM here, so an LD_PRELOAD shim
 * (support/durable-shim.c) keeps the "durable image" of the data directory: at every completed
 * fsync/fdatasync the file's content is copied aside, and a new file's directory entry counts only
 * once its directory was fsynced. A power cut loses exactly the writes after the last completed sync
 * (worst case: all of them), so after kill -9 that image is the disk a power cut at that instant
 * leaves; SQLite opens it (WAL recovery) and every event a device got a PUBACK for must be in it.
 * A control run with synchronous=OFF shows the image does lose unsynced commits.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB_FILE } from '../../cloud-bridge/db.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOOR = { id: 'door-west', password: 'door-west-pass', category: 'door' };

/** Compiles the shim; returns the .so path. */
function buildShim(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'vgw-shim-')), 'durable-shim.so');
  const r = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', out, join(ROOT, 'test/ops/support/durable-shim.c'), '-ldl'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cc failed: ${r.stderr}`);
  return out;
}

/** The data directory as the power cut leaves it: each file's last synced image, if its entry was synced. */
function durableCopy(shadow: string, files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vgw-after-cut-'));
  for (const f of files) if (existsSync(join(shadow, f)) && existsSync(join(shadow, `${f}.entry`))) copyFileSync(join(shadow, f), join(dir, f));
  return dir;
}

describe.runIf(requireTools('cc'))('power cut (durable image of the disk)', () => {
  it('every event a device got a PUBACK for is in the database a power cut leaves', async () => {
    const shim = buildShim();
    // Township unreachable: every event stays in the outbox, where the image is checked.
    const gw = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, devices: [DOOR] });
    // The box's steady state: the database exists and is on disk before this run (clean stop, sync).
    await gw.start();
    expect(await gw.stop()).toBe(0);
    spawnSync('sync');
    const dataDir = realpathSync(gw.dataDir);
    const shadow = mkdtempSync(join(tmpdir(), 'vgw-shadow-'));
    for (const f of readdirSync(dataDir).filter((f) => f === DB_FILE)) {
      copyFileSync(join(dataDir, f), join(shadow, f));
      copyFileSync(join(dataDir, f), join(shadow, `${f}.entry`));
    }
    await gw.start({ LD_PRELOAD: shim, VGW_DURABLE_DIR: dataDir, VGW_DURABLE_SHADOW: shadow });
    const client = await deviceClient(gw.localPort, DOOR.id, DOOR.password);
    const burst = publishBurst(client, DOOR.id, 1_000_000, (i) => ({ type: 'door.opened', n: i }), 20);
    await new Promise((r) => setTimeout(r, 800 + Math.random() * 1200));
    await gw.kill9(); // the power goes: nothing after this instant reaches the disk
    client.end(true);
    const acked = await burst;
    expect(acked.length).toBeGreaterThan(50);

    const after = durableCopy(shadow, [DB_FILE, `${DB_FILE}-wal`]);
    expect(existsSync(join(after, `${DB_FILE}-wal`)), 'the WAL (with its directory entry) was synced').toBe(true);
    const db = new Database(join(after, DB_FILE));
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    const stored = new Set(
      (db.prepare("SELECT payload FROM outbox WHERE kind = 'event'").pluck().all() as Buffer[])
        .map((p) => JSON.parse(p.toString()) as { device: string; type: string; data: { n?: number } })
        .filter((e) => e.device === DOOR.id && e.type === 'door.opened')
        .map((e) => e.data.n),
    );
    db.close();
    const lost = acked.filter((n) => !stored.has(n));
    process.stdout.write(`power cut: ${acked.length} acknowledged, ${stored.size} in the durable image, ${lost.length} lost\n`);
    expect(lost).toEqual([]);
  }, 60_000);

  it('control: commits without fsync (synchronous=OFF) are missing from the durable image', async () => {
    const shim = buildShim();
    const dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'vgw-cut-control-')));
    const shadow = mkdtempSync(join(tmpdir(), 'vgw-shadow-'));
    mkdirSync(shadow, { recursive: true });
    // Commits 200 rows with synchronous=FULL, then 200 with OFF, printing each commit ("acknowledged"), then hangs to be killed.
    const script = `
      const D = require(${JSON.stringify(join(ROOT, 'node_modules/better-sqlite3'))});
      const db = new D(${JSON.stringify(join(dataDir, 'c.db'))});
      db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE t (n INTEGER)');
      const ins = db.prepare('INSERT INTO t VALUES (?)');
      for (let n = 0; n < 200; n++) ins.run(n);
      db.pragma('synchronous = OFF');
      for (let n = 200; n < 400; n++) ins.run(n);
      process.stdout.write('committed\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, LD_PRELOAD: shim, VGW_DURABLE_DIR: dataDir, VGW_DURABLE_SHADOW: shadow }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('committed') && resolve());
      child.once('exit', (code) => reject(new Error(`control script exited ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const after = durableCopy(shadow, ['c.db', 'c.db-wal']);
    const db = new Database(join(after, 'c.db'));
    const rows = db.prepare('SELECT COUNT(*) FROM t').pluck().get() as number;
    db.close();
    // The FULL commits survive; the OFF ones were never synced and are gone, as in a power cut.
    expect(rows).toBe(200);
  }, 30_000);
});

/**
 * Issue 8, finding 19: one gateway per data directory. A second `vgw run` on the same dataDir is refused
 * with a one-line message naming the first one's pid, a kill -9 leaves no stale lock, and a start that
 * fails on its port (EADDRINUSE) writes no phantom `system.started`.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { GatewayProcess } from '../support/gateway-process.js';
import { canConnect, freePort } from '../support/ports.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function vgwRun(configFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'provisioning/cli.ts'), 'run', '--config', configFile], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

/** The same config with another local port: only the data directory is shared. */
async function sameDataDir(first: GatewayProcess, name: string, port?: number): Promise<string> {
  const config = parse(readFileSync(first.configFile, 'utf8')) as { localBroker: { port: number } };
  config.localBroker.port = port ?? (await freePort());
  const file = join(first.dataDir, name);
  writeFileSync(file, stringify(config));
  return file;
}

const started = (dataDir: string): number => {
  const db = new Database(join(dataDir, 'gateway.db'), { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM outbox WHERE CAST(payload AS TEXT) LIKE '%\"type\":\"system.started\"%'").pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('data directory lock (issue 8, finding 19)', () => {
  const running: GatewayProcess[] = [];
  afterAll(async () => {
    for (const g of running) await g.stop();
  });

  it('refuses a second gateway on the same dataDir while the first keeps running; a kill -9 leaves no stale lock', async () => {
    const township = await freePort(); // nothing listens: the uplink just keeps retrying
    const first = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${township}`, devices: [] });
    running.push(first);
    await first.start();
    const rowsBefore = started(first.dataDir);

    const second = await vgwRun(await sameDataDir(first, 'second.yaml'));
    expect(second.code).toBe(2);
    expect(second.output).toContain(`vgw: another gateway (pid ${first.pid}) is running on gateway.dataDir "${first.dataDir}" (it holds ${join(first.dataDir, 'vgw.lock')}); stop it first (systemctl stop vgw) or give this one its own dataDir`);
    expect(second.output).toContain('(VGW_DATA_DIR_LOCKED)');
    expect(first.proc?.exitCode).toBeNull();
    expect(await canConnect(first.localPort)).toBe(true);
    expect(started(first.dataDir)).toBe(rowsBefore); // the refused one wrote nothing

    await first.kill9();
    const third = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${township}`, devices: [], dataDir: first.dataDir });
    running.push(third);
    await third.start(); // throws with the output if the lock were stale
    expect(started(third.dataDir)).toBe(rowsBefore + 1);
  }, 60_000);

  it('a run that fails on a taken local port leaves no system.started in the outbox', async () => {
    const township = await freePort();
    const g = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${township}`, devices: [] });
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(g.localPort, '127.0.0.1', r));
    try {
      const run = await vgwRun(g.configFile);
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/EADDRINUSE|in use/);
      expect(started(g.dataDir)).toBe(0);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 60_000);
});

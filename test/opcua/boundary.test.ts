/**
 * Issue 15: node-opcua never enters the daemon. A `vgw run` process without OPC UA in its config has no
 * child and no node-opcua module loaded; with an OPC UA device it has the one child, and its own module
 * cache still holds no node-opcua. ESLint refuses node-opcua imports outside the child and the CLI.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { Plc } from './plc.js';
import { childrenOf, opcuaChild } from './procs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const probe = fileURLToPath(new URL('./modules-probe.mjs', import.meta.url));

async function loadedModules(gw: GatewayProcess): Promise<{ loaded: string[]; total: number }> {
  const file = join(gw.dataDir, 'modules.json');
  rmSync(file, { force: true });
  process.kill(gw.pid, 'SIGUSR2');
  const until = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error('the gateway did not write its module list');
    await new Promise((r) => setTimeout(r, 50));
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { loaded: string[]; total: number };
}

describe('node-opcua stays out of the daemon', { timeout: 60_000 }, () => {
  const township = new EmbeddedBroker();
  const plc = new Plc();
  const running: GatewayProcess[] = [];

  beforeAll(async () => {
    await Promise.all([township.start(), plc.start()]);
  });
  afterAll(async () => {
    for (const gw of running) await gw.stop();
    await plc.stop();
    await township.stop();
  });

  const start = async (devices: Record<string, unknown>[]) => {
    const gw = await GatewayProcess.prepare({ uplinkUrl: township.url, devices: [], override: { devices } });
    running.push(gw);
    await gw.start({ NODE_OPTIONS: `--import ${probe}`, VGW_MODULES_OUT: join(gw.dataDir, 'modules.json') });
    return gw;
  };

  it('without OPC UA in the config: no child process, no node-opcua module', async () => {
    const gw = await start([]);
    const modules = await loadedModules(gw);
    expect(modules.total).toBeGreaterThan(50); // the probe sees the daemon's CommonJS modules (better-sqlite3, pino, ...)
    expect(modules.loaded).toEqual([]);
    expect(childrenOf(gw.pid).filter((c) => c.cmdline.includes('opcua'))).toEqual([]);
  });

  it('with an OPC UA device: one child runs node-opcua, the daemon itself still has none', async () => {
    const gw = await start([{ id: 'pump-station', driver: 'opcua', endpoint: plc.url, items: [{ name: 'fire', nodeId: 'ns=1;s=Fire', alarm: { type: 'fire.alarm', restoreType: 'fire.restored' } }] }]);
    const until = Date.now() + 30_000;
    while (!gw.output.includes('opcua device online')) {
      if (Date.now() > until) throw new Error(`the OPC UA device did not come online:\n${gw.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(opcuaChild(gw.pid)).toBeGreaterThan(0);
    expect(childrenOf(gw.pid).filter((c) => c.cmdline.includes('opcua/child/main'))).toHaveLength(1);
    expect((await loadedModules(gw)).loaded).toEqual([]);
  });

  it('ESLint refuses a node-opcua import outside the child process', async () => {
    const eslint = new ESLint({ cwd: root, ignore: false });
    const [result] = await eslint.lintFiles(['test/lint-fixtures/device-drivers/opcua-import.ts']);
    const errors = (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports');
    expect(errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/only device-drivers\/opcua\/child\/endpoint\.ts .* may import node-opcua-client/) })]);
  });
});

/**
 * Issue 13, item 2: the gateway tells systemd READY=1 once started, pings WATCHDOG=1 from its event
 * loop every WatchdogSec/3, and STOPPING=1 at stop; a blocked loop stops the pings. systemd-notify is
 * a stand-in on the PATH that records what systemd would receive.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayProcess } from '../support/gateway-process.js';
import { freePort } from '../support/ports.js';
import { NotifyStandin, type NotifyCall } from './support/notify-standin.js';

const ROOT = new URL('../../', import.meta.url).pathname;

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pings = (calls: NotifyCall[]): NotifyCall[] => calls.filter((c) => c.args.includes('WATCHDOG=1'));

describe('systemd notifier', () => {
  let gw: GatewayProcess | null = null;
  afterEach(async () => {
    await gw?.stop();
    gw = null;
  });

  it('sends READY=1 after the gateway started, WATCHDOG=1 at WatchdogSec/3, STOPPING=1 at stop', async () => {
    const notify = new NotifyStandin();
    gw = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, devices: [] });
    await gw.start(notify.env(1500));
    await waitFor('READY=1 from the gateway', () => notify.calls().some((c) => c.args.includes('READY=1')));
    await waitFor('4 watchdog pings', () => pings(notify.calls()).length >= 4);
    const calls = notify.calls();
    expect(calls[0]?.args).toEqual(['READY=1']);
    expect(calls.every((c) => c.socket === notify.socket)).toBe(true);
    const p = pings(calls);
    const gaps = p.slice(1).map((c, i) => c.atMs - (p[i] as NotifyCall).atMs);
    // 500 ms apart (1500 / 3); a loaded machine may stretch one, never to the watchdog's 1500 ms.
    expect(Math.min(...gaps)).toBeGreaterThan(300);
    expect(Math.max(...gaps)).toBeLessThan(1400);
    expect(await gw.stop()).toBe(0);
    gw = null;
    await waitFor('STOPPING=1', () => notify.calls().some((c) => c.args.includes('STOPPING=1')));
  }, 60_000);

  it('stays silent without NOTIFY_SOCKET (tests, vgw run by hand)', async () => {
    const notify = new NotifyStandin();
    gw = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, devices: [] });
    const env = notify.env(300);
    await gw.start({ PATH: env.PATH as string, WATCHDOG_USEC: env.WATCHDOG_USEC as string, NOTIFY_SOCKET: '' });
    await new Promise((r) => setTimeout(r, 1000)); // three ping intervals in which nothing may arrive
    expect(notify.calls()).toEqual([]);
  }, 60_000);

  it('a blocked event loop stops the pings (systemd would restart the service)', async () => {
    const notify = new NotifyStandin();
    const intervalMs = 200;
    const blockMs = 3000;
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}test/ops/support/notify-child.ts`], {
      cwd: ROOT,
      env: { ...process.env, ...notify.env(intervalMs * 3), BLOCK_MS: String(blockMs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.once('exit', r));
    const { blockStart, blockEnd } = JSON.parse(out.trim()) as { blockStart: number; blockEnd: number };
    const p = pings(notify.calls());
    const before = p.filter((c) => c.atMs < blockStart).length;
    const after = p.filter((c) => c.atMs > blockEnd).length;
    // A ping spawned just before the block may be recorded early in it; none may start inside it.
    const inside = p.filter((c) => c.atMs > blockStart + 500 && c.atMs <= blockEnd).length;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(after).toBeGreaterThanOrEqual(2);
    expect(inside).toBe(0);
    const gaps = p.slice(1).map((c, i) => c.atMs - (p[i] as NotifyCall).atMs);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(blockMs - 600);
    expect(notify.calls().at(-1)?.args).toEqual(['STOPPING=1']);
  }, 60_000);
});

/**
 * The notices queued per village, as the console lists them, and `vgw send broadcast.cancel` as the
 * README writes it (issue 16, item 4): a notice sent to every village with two plays a minute apart is
 * listed waiting (1 of 2 heard) at the village with a loudspeaker; cancelled by its id it leaves the
 * list, the village's replies (accepted, then failed: cancelled; the cancel done) show in the replies,
 * and its second play never sounds. Real Mosquitto, the gateway on simulated sound, the CLI as a child.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/kernel/log.js';
import { createMonitor, type Monitor } from '../../provisioning/township/monitor/monitor.js';
import { operatorKey, startVillage, type Village } from '../broadcast/support.js';
import { TOWNSHIP } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { vgw } from '../support/vgw-cli.js';
import { until } from '../support/wait.js';

const GW = '370283104-notice-01';

describe.runIf(requireTools('mosquitto'))('queued notices per village and broadcast.cancel', () => {
  const broker = new Mosquitto();
  const keyFile = join(mkdtempSync(join(tmpdir(), 'vgw-notice-')), 'ops-bc.key');
  let village: Village;
  let consoleMonitor: Monitor;

  beforeAll(async () => {
    await broker.start();
    writeFileSync(keyFile, operatorKey.privatePem, { mode: 0o600 });
    consoleMonitor = createMonitor({ feed: { url: broker.url, clientId: 'notice-console', protocolVersion: 5, scope: {}, deviceStates: true }, filter: {}, settleMs: 1000 }, createLogger('silent'));
    await consoleMonitor.start();
    village = await startVillage({ uplinkUrl: broker.url, gatewayId: GW });
    await until('the village ready for commands', () => village.gateway.inspect().commandsReady);
  });

  afterAll(async () => {
    await village?.gateway.stop();
    await consoleMonitor?.stop();
    await broker.stop();
  });

  it('lists a waiting notice, and the README\'s cancel takes it off the list and off the air', async () => {
    // The README's $S, for this broker (plain MQTT on loopback: no --ca).
    const S = ['--broker', broker.url, '--township', TOWNSHIP, '--key', keyFile, '--kid', 'ops-bc'];
    const sent = await vgw(['send', 'broadcast', ...S, '--target', 'all', '--expect', GW, '--text', '今晚有雨，请关好门窗', '--priority', 'normal', '--repeat', '2', '--interval', '60']);
    expect(sent.stdout).toMatch(new RegExp(`^${GW} {2}accepted`, 'm'));
    const id = /^sent broadcast (\S+) /m.exec(sent.stdout)?.[1] as string;
    const m = consoleMonitor.model;
    const waiting = await until('the notice heard once and waiting for its second play', () => m.notices.list().find((n) => n.id === id && n.played === 1 && n.state === 'waiting'));
    expect(waiting).toMatchObject({ gateway: GW, priority: 'normal', content: '今晚有雨，请关好门窗', plays: 2 });

    const cancel = await vgw(['send', 'broadcast.cancel', ...S, '--target', 'all', '--broadcast-id', id]);
    expect(cancel.stdout).toMatch(new RegExp(`^${GW} {2}done`, 'm'));
    await until('the notice off the list', () => m.notices.list().length === 0);
    expect(m.notices.ended).toBe(1);
    await until('the notice\'s final reply', () => m.replies.list().some((r) => r.id === id && r.status === 'failed'));
    expect(m.replies.list().find((r) => r.id === id)).toMatchObject({ gateway: GW, status: 'failed', code: 'cancelled' });
    expect(village.audio.plays.filter((p) => p.label === 'text:今晚有雨，请关好门窗')).toHaveLength(1);
  }, 60_000);
});

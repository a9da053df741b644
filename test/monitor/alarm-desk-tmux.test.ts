/**
 * Two duty officers' consoles on real terminals (issue 16): an alarm archived by the archiver shows on
 * both as open, with the bell ringing; acknowledged (接警) on one, it shows acknowledged by that officer on
 * the other; closed there with what was done (结案), it leaves both lists.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/kernel/log.js';
import { SqliteArchiveStore } from '../../provisioning/township/archive/sqlite-store.js';
import { createMonitor, type Monitor } from '../../provisioning/township/monitor/monitor.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { envelope, eventTopic } from './envelopes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SOCKET = `vgw-desk-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-u', '-L', SOCKET, ...args], { encoding: 'utf8' });

async function screenShows(session: string, what: RegExp, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < until) {
    screen = tmux('capture-pane', '-p', '-t', session).stdout;
    if (what.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${session} never showed ${what}; last screen:\n${screen}`);
}

describe.runIf(requireTools('mosquitto', 'tmux'))('alarm handling on two consoles', () => {
  const broker = new Mosquitto();
  const file = join(mkdtempSync(join(tmpdir(), 'vgw-desk-')), 'township.db');
  let archiver: Monitor;
  let gateway: MqttClient;

  beforeAll(async () => {
    await broker.start();
    archiver = createMonitor({ feed: { url: broker.url, clientId: 'desk-archiver', protocolVersion: 5, scope: {} }, filter: {}, archive: { sqlite: file }, settleMs: 1000 }, createLogger('silent'));
    await archiver.start();
    gateway = await connectAsync(broker.url, { clientId: 'gw-desk', protocolVersion: 5 });
    for (const [session, operator] of [['desk-1', '张三'], ['desk-2', '李四']] as const) {
      const cli = `${process.execPath} --import tsx ${join(ROOT, 'provisioning/cli.ts')} monitor --broker ${broker.url} --alarms ${file} --operator ${operator}`;
      execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', '160', '-y', '36', '-e', 'LANG=C.UTF-8', '-c', ROOT, cli]);
    }
  });

  afterAll(async () => {
    tmux('kill-server');
    await gateway?.endAsync();
    await archiver?.stop();
    await broker.stop();
  });

  it('shows an alarm open on both, acknowledged by one officer on the other, and closed on both', async () => {
    await screenShows('desk-1', /ALARMS 告警处理: 0 open/);
    await screenShows('desk-2', /ALARMS 告警处理: 0 open/);
    const alarm = envelope('370283104-desk-01', 1, { category: 'alarm', type: 'panic.pressed', severity: 'critical', device: 'panic-east-gate' });
    await gateway.publishAsync(eventTopic(alarm), JSON.stringify(alarm), { qos: 1 });
    for (const s of ['desk-1', 'desk-2']) await screenShows(s, /> \d\d:\d\d:\d\d CRITICAL 紧急 .*panic-east-gate\s+panic\.pressed\s+OPEN 未接警/);
    // The bell rang in both terminals (tmux flags a window whose program rang it).
    expect(tmux('display', '-p', '-t', 'desk-2', '#{window_bell_flag}').stdout.trim()).toBe('1');

    tmux('send-keys', '-t', 'desk-1', 'a');
    await screenShows('desk-1', /acknowledged 已接警: panic\.pressed/);
    await screenShows('desk-2', /panic\.pressed\s+acknowledged 已接警 张三 \d\d:\d\d:\d\d/);
    const cases = SqliteArchiveStore.open(file, 'read');
    expect((await cases.openCases(5))[0]).toMatchObject({ state: 'acknowledged', ackBy: '张三' });

    tmux('send-keys', '-t', 'desk-2', 'c');
    await screenShows('desk-2', /处警记录 what was done/);
    tmux('send-keys', '-t', 'desk-2', '-l', '已电话核实 false alarm');
    tmux('send-keys', '-t', 'desk-2', 'Enter');
    await screenShows('desk-2', /closed 已结案: panic\.pressed/);
    await screenShows('desk-1', /ALARMS 告警处理: 0 open 未接警 · 0 acknowledged/);
    expect(await cases.openCases(5)).toEqual([]);
    await cases.close();
  });
});

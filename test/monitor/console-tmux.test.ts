/**
 * The duty officer's console on a real terminal (issue 16, item 4): started mid-shift it lists the
 * archive's recent history; a gateway dropping out is an entry of its own with why, and so is its
 * return; `v` shows the devices with a standing fault (from the retained device states), the command
 * replies, and the notices queued per village; `/` filters by text, `s` by severity, PgDn pages.
 * tmux runs `vgw monitor` exactly as the README shows it, on its own socket.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoLocal } from '../../gateway/kernel/clock.js';
import { SqliteArchiveStore } from '../../provisioning/township/archive/sqlite-store.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { envelope, eventTopic, TOWNSHIP } from './envelopes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SOCKET = `vgw-console-${process.pid}`;
const GW = '370283104-console-01';
const GW2 = '370283104-console-02';
const base = (gw: string) => `pingan/v1/${TOWNSHIP}/${gw}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-u', '-L', SOCKET, ...args], { encoding: 'utf8' });

async function screenShows(what: RegExp, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < until) {
    screen = tmux('capture-pane', '-p', '-t', 'console').stdout;
    if (what.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the console never showed ${what}; last screen:\n${screen}`);
}

const keys = (...k: string[]) => tmux('send-keys', '-t', 'console', ...k);

describe.runIf(requireTools('mosquitto', 'tmux'))('the duty officer\'s console views', () => {
  const broker = new Mosquitto();
  const file = join(mkdtempSync(join(tmpdir(), 'vgw-console-')), 'township.db');
  let gw: MqttClient;

  beforeAll(async () => {
    await broker.start();
    const archive = SqliteArchiveStore.open(file);
    const before = envelope(GW, 1, { category: 'door', type: 'door.forced', severity: 'major', device: 'door-west', ts: isoLocal(Date.now() - 3600_000), data: { note: 'before-start' } });
    await archive.store([{ township: TOWNSHIP, event: before, receivedAt: Date.now() - 3600_000 }]);
    await archive.close();
    gw = await connectAsync(broker.url, { clientId: 'console-gw', protocolVersion: 5 });
    const retained = { qos: 1 as const, retain: true };
    for (const g of [GW, GW2]) await gw.publishAsync(`${base(g)}/status`, JSON.stringify({ online: true, ts: isoLocal(Date.now()), version: '0.1.0', bootId: 'b1', backlog: 0 }), retained);
    await gw.publishAsync(`${base(GW)}/devices/panic-east-gate/state`, JSON.stringify({ ts: isoLocal(Date.now() - 600_000), online: true, state: { active: false, alarm: false, fault: 'chatter' } }), retained);
    await gw.publishAsync(`${base(GW)}/devices/door-west/state`, JSON.stringify({ ts: isoLocal(Date.now()), online: true, state: { open: false } }), retained);
    // As the README shows it (the password and CA flags aside: a plain loopback broker here).
    const cli = `${process.execPath} --import tsx ${join(ROOT, 'provisioning/cli.ts')} monitor --broker ${broker.url} --alarms ${file}`;
    execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', 'new-session', '-d', '-s', 'console', '-x', '160', '-y', '40', '-e', 'LANG=C.UTF-8', '-c', ROOT, cli]);
  });

  afterAll(async () => {
    tmux('kill-server');
    await gw?.endAsync();
    await broker.stop();
  });

  it('shows history, offline entries, devices, replies, notices, and filters and pages the list', async () => {
    await screenShows(/major 重要\s+370283104-console-01\s+door-west\s+door\.forced\s+#1 \{"note":"before-start"\}/);
    await screenShows(/connected 已连接/);

    // A gateway's last will, then its return: entries of their own.
    await gw.publishAsync(`${base(GW2)}/status`, JSON.stringify({ online: false, ts: isoLocal(Date.now()), reason: 'lwt' }), { qos: 1, retain: true });
    await screenShows(/major 重要\s+370283104-console-02\s+-\s+GATEWAY OFFLINE 网关离线\s+lwt · link or power lost/);
    await gw.publishAsync(`${base(GW2)}/status`, JSON.stringify({ online: true, ts: isoLocal(Date.now()), version: '0.1.0', bootId: 'b2', backlog: 0 }), { qos: 1, retain: true });
    await screenShows(/info 信息\s+370283104-console-02\s+-\s+gateway back 网关恢复/);

    await screenShows(/EVENTS 事件 · 1–\d+ of \d+ · 1 device problem\(s\) 设备故障 \(v\)/);
    keys('v');
    const devices = await screenShows(/DEVICES 设备故障\/离线 · 1–1 of 1/);
    expect(devices).toMatch(/FAULT 故障\s+370283104-console-01\s+panic-east-gate\s+\d+m\d\ds\s+chatter/);
    // A well device is not in the table (door-west is in the alarm desk above it, for its history alarm).
    expect(devices.slice(devices.indexOf('DEVICES'))).not.toMatch(/door-west/);

    const id = '0193c0de-7a1b-7c3e-9f00-5b2a1c9d4e11';
    await gw.publishAsync(`${base(GW)}/replies/${id}`, JSON.stringify({ id, status: 'failed', ts: isoLocal(Date.now()), error: { code: 'playback', message: 'aplay exited 1' } }), { qos: 1 });
    keys('v');
    await screenShows(new RegExp(`failed 失败\\s+370283104-console-01\\s+${id}\\s+playback aplay exited 1`));

    const queued = envelope(GW, 2, { category: 'broadcast', type: 'broadcast.queued', device: GW, data: { broadcast: 'b-0042', priority: 'normal', text: '今晚有雨，请关好门窗', plays: 2, at: isoLocal(Date.now()) } });
    await gw.publishAsync(eventTopic(queued), JSON.stringify(queued), { qos: 1 });
    keys('v');
    await screenShows(/NOTICES 广播队列 · 1–1 of 1[\s\S]*370283104-console-01\s+waiting 待播\s+normal\s+0\/2\s+\S+\s+今晚有雨，请关好门窗\s+b-0042/);

    keys('v');
    await screenShows(/EVENTS 事件 · 1–\d+ of \d+/);
    for (let s = 3; s < 63; s++) {
      const e = envelope(GW, s, { type: 'door.opened', data: { n: s } });
      await gw.publishAsync(eventTopic(e), JSON.stringify(e), { qos: 1 });
    }
    await screenShows(/EVENTS 事件 · 1–\d+ of 64/);
    keys('NPage');
    await screenShows(/EVENTS 事件 · 21–\d+ of 64/);
    keys('PPage');
    await screenShows(/EVENTS 事件 · 1–\d+ of 64/);

    keys('/');
    keys('-l', 'forced');
    await screenShows(/filter 筛选 \(Enter applies, Esc cancels\): forced_/);
    keys('Enter');
    const filtered = await screenShows(/EVENTS 事件 · 1–1 of 1 · text "forced"/);
    expect(filtered).not.toMatch(/door\.opened/);
    keys('s');
    await screenShows(/EVENTS 事件 · none 无 · severity ≥ critical · text "forced"/);
    expect(await screenShows(/PgUp\/PgDn page 翻页 · \/ filter 筛选 · s severity 级别 · v view 视图/)).toMatch(/q quit 退出/);

    keys('q');
    const until = Date.now() + 10_000;
    while (tmux('has-session', '-t', 'console').status === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(tmux('has-session', '-t', 'console').status).not.toBe(0);
  }, 90_000);
});

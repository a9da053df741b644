/**
 * `vgw monitor` on a real terminal: tmux runs it in a detached session, and the test reads the screen
 * (capture-pane) while a gateway goes online, raises an alarm and shuts down, then quits with `q`.
 * The tmux server has its own socket, so no one else's sessions are touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceClient } from '../support/devices.js';
import { startFixture, TOWNSHIP, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SOCKET = `vgw-test-${process.pid}`;
const GW = '370283104-tmux-01';
const tmux = (...args: string[]) => spawnSync('tmux', ['-u', '-L', SOCKET, ...args], { encoding: 'utf8' });

async function screenShows(what: RegExp, timeoutMs = 20_000, colours = false): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < until) {
    screen = tmux('capture-pane', '-p', ...(colours ? ['-e'] : []), '-t', 'monitor').stdout;
    if (what.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the screen never showed ${what}; last screen:\n${screen}`);
}

describe.runIf(requireTools('mosquitto', 'tmux'))('vgw monitor in a terminal', () => {
  const broker = new Mosquitto();
  let fx: Fixture;
  let panic: MqttClient;

  beforeAll(async () => {
    await broker.start();
    fx = await startFixture({ uplinkUrl: broker.url, gatewayId: GW });
    // The screen is checked for colour, so the console must not inherit the caller's colour settings
    // (NO_COLOR and friends reach the pane through the tmux server's environment): unset them for it.
    const cli = `env -u NO_COLOR -u NODE_DISABLE_COLORS -u FORCE_COLOR ${process.execPath} --import tsx ${join(ROOT, 'provisioning/cli.ts')} monitor --broker ${broker.url} --township ${TOWNSHIP}`;
    execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', 'new-session', '-d', '-s', 'monitor', '-x', '150', '-y', '30', '-e', 'LANG=C.UTF-8', '-c', ROOT, cli]);
  });

  afterAll(async () => {
    tmux('kill-server');
    await panic?.endAsync();
    await fx?.gateway.stop();
    await broker.stop();
  });

  it('shows the gateway online, an alarm in colour, the gateway offline, and quits on q', async () => {
    await screenShows(new RegExp(`online 在线\\s+${GW}`));
    expect(await screenShows(/connected 已连接/)).toMatch(/vgw monitor · 监控中心/);
    panic = await deviceClient(fx.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    await screenShows(/info 信息 .*panic-east-gate\s+device\.online/);

    await panic.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed', zone: '东门' }), { qos: 1 });
    const screen = await screenShows(/CRITICAL 紧急 .*panic-east-gate\s+panic\.pressed\s+#\d+ \{"zone":"东门"\}/);
    const lines = screen.split('\n');
    // Most severe first: the alarm is the first event line, above the device's own online event.
    const firstEvent = lines.findIndex((l) => /^\d\d:\d\d:\d\d /.test(l));
    expect(lines[firstEvent]).toContain('panic.pressed');
    expect(lines.slice(firstEvent).join('\n')).toMatch(/info 信息 .*device\.online/);
    const coloured = await screenShows(/CRITICAL/, 5000, true);
    expect(coloured.split('\n').find((l) => l.includes('CRITICAL'))).toMatch(/\x1b\[[0-9;]*41m/); // red background

    await fx.gateway.stop();
    await screenShows(new RegExp(`OFFLINE 离线 shutdown\\s+${GW}`));

    tmux('send-keys', '-t', 'monitor', 'q');
    const until = Date.now() + 10_000;
    while (tmux('has-session', '-t', 'monitor').status === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(tmux('has-session', '-t', 'monitor').status).not.toBe(0);
  });
});

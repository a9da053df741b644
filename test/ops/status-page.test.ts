/**
 * Issue 13 item 3: the status page as a phone's browser gets it, rendered by headless Chromium from
 * the running gateway's LAN server (Basic auth with the token): its DOM shows the gateway id, the
 * uplink state and a row per device, in Chinese and in English, and the screenshot is a real image.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import type { MqttClient } from 'mqtt';

const TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00';

function chromium(args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], { timeout: timeoutMs, maxBuffer: 8 * 2 ** 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe.runIf(requireTools('mosquitto', 'chromium'))('status page in headless Chromium', () => {
  const broker = new Mosquitto();
  const out = mkdtempSync(join(tmpdir(), 'vgw-page-'));
  let fx: Fixture;
  let panic: MqttClient;
  let url: string;

  beforeAll(async () => {
    await broker.start();
    const tokenFile = join(out, 'token');
    writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
    fx = await startFixture({ uplinkUrl: broker.url, override: { http: { enabled: true, host: '127.0.0.1', port: 0, auth: { tokenFile } } } });
    panic = await deviceClient(fx.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    await panic.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed' }), { qos: 1 });
    const until = Date.now() + 10_000;
    while (fx.gateway.inspect().uplinkState !== 'connected') {
      if (Date.now() > until) throw new Error('timed out waiting for the uplink to connect');
      await new Promise((r) => setTimeout(r, 50));
    }
    url = `http://vgw:${TOKEN}@127.0.0.1:${fx.gateway.ops.port}/`;
  });
  afterAll(async () => {
    await panic?.endAsync();
    await fx?.gateway.stop();
    await broker.stop();
  });

  it('shows the gateway id, the uplink state and each device, in Chinese and English', async () => {
    const zh = await chromium(['--dump-dom', `${url}?lang=zh`]);
    expect(zh).toContain(fx.gatewayId);
    expect(zh).toMatch(/<dt>上联<\/dt><dd>已连接/);
    expect(zh).toMatch(/<tr class="on"><td>panic-east-gate<\/td><td>mqtt<\/td><td>在线<\/td><td>panic\.pressed/);
    expect(zh).toMatch(/<tr class="off"><td>door-west<\/td><td>mqtt<\/td><td>离线<\/td>/);
    const en = await chromium(['--dump-dom', `${url}?lang=en`]);
    expect(en).toMatch(/<dt>Uplink<\/dt><dd>connected/);
    expect(en).toMatch(/<td>door-west<\/td><td>mqtt<\/td><td>offline<\/td>/);
  });

  it('renders to a phone-sized screenshot', async () => {
    const png = join(out, 'status.png');
    await chromium([`--screenshot=${png}`, '--window-size=412,915', `${url}?lang=zh`]);
    expect(pngSize(png)).toEqual({ width: 412, height: 915 });
    expect(statSync(png).size).toBeGreaterThan(20_000); // text and tables, not a blank page
    process.stdout.write(`status page screenshot: ${png}\n`);
  });
});

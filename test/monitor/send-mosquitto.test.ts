/**
 * `vgw send` as an operator runs it, against Mosquitto (MQTT 5) and three gateways: every gateway's
 * reply printed, refusals said plainly, silent gateways named; the commands it signs follow the
 * contract's schema.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOperatorKey } from '../../gateway/kernel/signing.js';
import { sendCommand } from '../../provisioning/township/commands/send.js';
import { validateSignedCommand } from '../support/contract.js';
import { startFixture, TOWNSHIP, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { vgw } from '../support/vgw-cli.js';

const GATEWAYS = ['370283104-east-01', '370283104-west-02', '370283104-north-03'];


describe.runIf(requireTools('mosquitto'))('vgw send on Mosquitto', () => {
  const broker = new Mosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'vgw-send-'));
  const keyFile = join(dir, 'ops.key');
  let fixtures: Fixture[] = [];
  let watcher: MqttClient;
  const commands: { topic: string; body: unknown }[] = [];
  const base = (...more: string[]) => ['--broker', broker.url, '--township', TOWNSHIP, '--key', keyFile, '--kid', 'ops-test', '--by', 'duty-officer-wang', ...more];

  beforeAll(async () => {
    await broker.start();
    const key = generateOperatorKey();
    writeFileSync(keyFile, key.privatePem, { mode: 0o600 });
    // The key may broadcast, not open doors: a door command must come back refused.
    const operators = [{ kid: 'ops-test', publicKey: key.publicRaw, roles: ['broadcast'] }];
    fixtures = await Promise.all(GATEWAYS.map((id) => startFixture({ uplinkUrl: broker.url, gatewayId: id, override: { commands: { operators } } })));
    watcher = await connectAsync(broker.url, { protocolVersion: 5 });
    watcher.on('message', (topic, payload) => commands.push({ topic, body: JSON.parse(payload.toString('utf8')) as unknown }));
    await watcher.subscribeAsync(`pingan/v1/${TOWNSHIP}/+/cmd/#`, { qos: 1 });
  });

  afterAll(async () => {
    await watcher?.endAsync();
    await Promise.all(fixtures.map((f) => f.gateway.stop()));
    await broker.stop();
  });

  it('prints the reply of each of three gateways to a township-wide ping', async () => {
    const r = await vgw(['send', 'ping', ...base('--target', 'all', '--expect', GATEWAYS.join(','), '--timeout', '10')]);
    for (const gw of GATEWAYS) expect(r.stdout).toMatch(new RegExp(`^${gw}  done 已完成$`, 'm'));
    expect(r.stdout).toContain('replies: 3 done');
    expect(r.code).toBe(0);
  });

  it('says plainly when a gateway refuses a command, and which gateways stayed silent', async () => {
    const [gw] = GATEWAYS as [string];
    const r = await vgw(['send', 'unlock', ...base('--target', gw, '--door', 'east-gate', '--seconds', '5', '--timeout', '10')]);
    // Refused as `forbidden` (the key has no door role) or as `invalid` by a gateway without door.unlock.
    expect(r.stdout).toMatch(new RegExp(`^${gw}  rejected 已拒绝 \\((forbidden|invalid)\\): \\S.+$`, 'm'));
    expect(r.code).toBe(1);
    const silent = await vgw(['send', 'ping', ...base('--target', 'all', '--expect', `${gw},370283104-gone-09`, '--timeout', '2')]);
    expect(silent.stdout).toMatch(/no reply from: 370283104-gone-09/);
    expect(silent.code).toBe(1);
  });

  it('signs broadcast and zone commands with the parameters given, as the contract describes them', async () => {
    commands.length = 0;
    await Promise.all([
      vgw(['send', 'broadcast', ...base('--target', '370283104-none-00', '--timeout', '1', '--text', '今晚有雨，请关好门窗', '--priority', 'emergency', '--repeat', '2', '--interval', '30', '--volume', '80', '--speakers', 'east,west')]),
      vgw(['send', 'arm', ...base('--target', '370283104-none-00', '--timeout', '1', '--zones', 'east-gate,market')]),
    ]);
    commands.sort((x, y) => x.topic.localeCompare(y.topic));
    expect(commands.map((c) => c.topic)).toEqual([`pingan/v1/${TOWNSHIP}/370283104-none-00/cmd/broadcast`, `pingan/v1/${TOWNSHIP}/370283104-none-00/cmd/zone.arm`]);
    const inner = commands.map((c) => {
      expect(validateSignedCommand(c.body)).toEqual({ ok: true });
      return JSON.parse((c.body as { cmd: string }).cmd) as Record<string, unknown>;
    });
    expect(inner[0]).toMatchObject({ name: 'broadcast', by: 'duty-officer-wang', text: '今晚有雨，请关好门窗', priority: 'emergency', repeat: 2, interval: 30, volume: 80, speakers: ['east', 'west'] });
    expect(inner[1]).toMatchObject({ name: 'zone.arm', zones: ['east-gate', 'market'] });
  });

  it('counts a gateway that accepted long-running work as answered, outcome not yet known', async () => {
    // A stand-in gateway that queues the notice and answers only `accepted` within the wait.
    const slow = await connectAsync(broker.url, { protocolVersion: 5 });
    slow.on('message', (_topic, payload) => {
      const id = (JSON.parse((JSON.parse(payload.toString('utf8')) as { cmd: string }).cmd) as { id: string }).id;
      void slow.publishAsync(`pingan/v1/${TOWNSHIP}/370283104-slow-09/replies/${id}`, JSON.stringify({ id, status: 'accepted', ts: new Date().toISOString() }), { qos: 1 });
    });
    await slow.subscribeAsync(`pingan/v1/${TOWNSHIP}/370283104-slow-09/cmd/#`, { qos: 1 });
    const lines: string[] = [];
    const code = await sendCommand('broadcast', { sound: 'chime', priority: 'normal' }, { broker: broker.url, township: TOWNSHIP, target: '370283104-slow-09', key: keyFile, kid: 'ops-test', by: 'x', expires: 60, timeout: 1, protocol: '5' }, (l) => lines.push(l));
    await slow.endAsync();
    expect(lines).toContain('370283104-slow-09  accepted 已接受');
    expect(lines).toContain('accepted, outcome not known yet (已接受，结果未知): 370283104-slow-09');
    expect(lines.join('\n')).not.toMatch(/no reply from/);
    expect(code).toBe(0);
  });

  it('refuses a broadcast without content before sending anything', async () => {
    const r = await vgw(['send', 'broadcast', ...base('--target', 'all')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exactly one of --text, --sound or --url/);
  });
});

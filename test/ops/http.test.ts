/**
 * Issue 13 item 3: the LAN HTTP server on a gateway with a real Mosquitto as the township broker.
 * /healthz turns 503 once the uplink has been down longer than `http.uplinkDownSec` and 200 again
 * after; /metrics parses strictly and its counters match what the test sent; the token is required
 * (and refusals are counted and reported aggregated); the status socket serves the same snapshot.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_SOCKET } from '../../gateway/http/server.js';
import type { StatusSnapshot } from '../../gateway/http/status.js';
import { deviceClient, publishBurst } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { TownshipProbe } from '../support/township.js';
import { requireTools } from '../support/tools.js';
import { httpGet, waitForAnswer } from './support/http-get.js';
import { parsePromText, sampleValue, type Sample } from './support/prom-text.js';

const TOKEN = 'f3c1e2d4b5a6978812ab34cd56ef7890aa11bb22';
const BEARER = { authorization: `Bearer ${TOKEN}` };
const DOWN_SEC = 2;

describe.runIf(requireTools('mosquitto'))('LAN HTTP server', () => {
  const broker = new Mosquitto({ persistence: true });
  let fx: Fixture;
  let probe: TownshipProbe;
  let port: number;
  let panic: MqttClient;
  const scrape = async (): Promise<Sample[]> => {
    const a = await httpGet({ port }, '/metrics', BEARER);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toContain('text/plain; version=0.0.4');
    return parsePromText(a.body).samples;
  };

  beforeAll(async () => {
    await broker.start();
    probe = await TownshipProbe.connect(broker.url, 'probe-http');
    const secrets = mkdtempSync(join(tmpdir(), 'vgw-http-'));
    const tokenFile = join(secrets, 'http-token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    fx = await startFixture({ uplinkUrl: broker.url, override: { http: { enabled: true, host: '127.0.0.1', port: 0, uplinkDownSec: DOWN_SEC, auth: { tokenFile } } } });
    port = fx.gateway.ops.port;
    await probe.waitFor(() => fx.gateway.inspect().uplinkState === 'connected', 10_000, 'uplink connected');
    panic = await deviceClient(fx.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
  });
  afterAll(async () => {
    await panic?.endAsync();
    await fx?.gateway.stop();
    await probe?.close();
    await broker.stop();
  });

  it('asks for the token on /, /metrics and /status.json, takes Bearer and Basic, and leaves /healthz open', async () => {
    const before = fx.gateway.inspect().rejections.total;
    for (const path of ['/', '/metrics', '/status.json']) {
      const none = await httpGet({ port }, path);
      expect(none.status, path).toBe(401);
      expect(none.headers['www-authenticate']).toContain('Basic');
      expect(none.body).not.toContain('vgw_');
      expect((await httpGet({ port }, path, { authorization: 'Bearer wrong-token-wrong-token' })).status, path).toBe(401);
      expect((await httpGet({ port }, path, { authorization: `Basic ${Buffer.from(`someone:${TOKEN}`).toString('base64')}` })).status, `${path} other user`).toBe(401);
      expect((await httpGet({ port }, path, BEARER)).status, path).toBe(200);
      expect((await httpGet({ port }, path, { authorization: `Basic ${Buffer.from(`vgw:${TOKEN}`).toString('base64')}` })).status, path).toBe(200);
    }
    expect((await httpGet({ port }, '/healthz')).status).toBe(200);
    expect((await httpGet({ port }, '/nothing', BEARER)).status).toBe(404);
    // Nine refusals, counted one by one and reported aggregated (fewer stored reports than refusals).
    expect(fx.gateway.inspect().rejections.total - before).toBe(9);
    const refused = () => probe.events.filter((e) => e.type === 'system.http.refused');
    await probe.waitFor(() => refused().reduce((n, e) => n + (e.data.count as number), 0) === 9, 15_000, 'nine refusals reported');
    expect(refused().length).toBeLessThan(9);
    expect(JSON.stringify(refused())).not.toContain(TOKEN);
    expect(probe.invalid).toEqual([]); // system.http.refused has its contract schema
  });

  it('serves /metrics that a strict parser reads, with counters matching the events sent', async () => {
    expect(() => parsePromText('vgw_x 1\n')).toThrow(/undeclared/); // the parser can fail
    expect(() => parsePromText('# TYPE vgw_x gauge\nvgw_x one\n')).toThrow(/bad sample value/);
    await probe.waitFor(() => fx.gateway.inspect().backlog === 0, 15_000, 'backlog empty before');
    const before = await scrape();
    const seenBefore = probe.events.length;
    const acked = await publishBurst(panic, 'panic-east-gate', 25, (i) => ({ type: 'panic.pressed', n: i }), 5);
    expect(acked).toHaveLength(25);
    for (let i = 0; i < 3; i++) await panic.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'system.fake', n: i }), { qos: 1 });
    await fx.gateway.testApi.handleCommand(`${fx.gateway.topics.commandFilters[0]?.replace('#', 'ping')}`, Buffer.from('{"id":"x"}'));
    // The rejections are reported (aggregated) as system events: those are accepted events too.
    const since = () => probe.events.slice(seenBefore);
    const reported = (type: string) => since().filter((e) => e.type === type).reduce((n, e) => n + (e.data.count as number), 0);
    await probe.waitFor(() => since().filter((e) => e.type === 'panic.pressed').length === 25 && reported('system.payload.rejected') === 3 && reported('system.command.rejected') === 1 && fx.gateway.inspect().backlog === 0, 15_000, '25 presses and the reports at the township');
    const after = await scrape();
    const diff = (name: string, labels: Record<string, string> = {}) => (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
    expect(diff('vgw_events_accepted_total')).toBe(since().length);
    expect(since().filter((e) => !e.type.startsWith('system.')).length).toBe(25);
    expect(sampleValue(after, 'vgw_events_accepted_total')).toBe(fx.gateway.inspect().accepted);
    expect(diff('vgw_events_delivered_total')).toBeGreaterThanOrEqual(25);
    expect(diff('vgw_events_rejected_total', { type: 'system.payload.rejected', reason: 'forbidden-type' })).toBe(3);
    expect(diff('vgw_commands_total', { status: 'rejected', code: 'unsigned' })).toBe(1);
    expect(sampleValue(after, 'vgw_backlog_depth')).toBe(0);
    expect(sampleValue(after, 'vgw_uplink_state', { state: 'connected' })).toBe(1);
    expect(sampleValue(after, 'vgw_device_online', { device: 'panic-east-gate' })).toBe(1);
    expect(sampleValue(after, 'vgw_device_online', { device: 'door-west' })).toBe(0);
    const seen = sampleValue(after, 'vgw_device_last_seen_timestamp_seconds', { device: 'panic-east-gate' }) ?? 0;
    expect(Math.abs(seen - Date.now() / 1000)).toBeLessThan(60);
    expect(sampleValue(after, 'vgw_process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(sampleValue(after, 'vgw_event_loop_lag_seconds', { quantile: '0.99' })).toBeGreaterThan(0);
    expect(sampleValue(after, 'vgw_broadcast_queue_depth')).toBe(0);
  });

  it('serves the status snapshot on a 0600 Unix socket in the data dir, with no token', async () => {
    const socketPath = join(fx.dataDir, STATUS_SOCKET);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    const a = await httpGet({ socketPath }, '/status.json');
    expect(a.status).toBe(200);
    const s = JSON.parse(a.body) as StatusSnapshot;
    expect(s.gateway.id).toBe(fx.gatewayId);
    expect(s.uplink?.state).toBe('connected');
    expect(s.devices.map((d) => [d.id, d.online])).toEqual([['panic-east-gate', true], ['door-west', false]]);
    expect(s.recent.length).toBe(10);
    expect(s.recent[0]?.seq).toBeGreaterThan(s.recent[9]?.seq ?? Infinity);
    // The LAN page is the same snapshot; its language follows Accept-Language unless ?lang= says otherwise.
    expect((await httpGet({ port }, '/', { ...BEARER, 'accept-language': 'zh-CN,zh;q=0.9' })).body).toContain('村级网关状态');
    expect((await httpGet({ port }, '/?lang=en', { ...BEARER, 'accept-language': 'zh-CN' })).body).toContain('Village gateway status');
  });

  it('turns /healthz 503 once the uplink is down longer than http.uplinkDownSec, and 200 after it returns', async () => {
    await broker.stop();
    const stoppedAt = Date.now();
    const down = await waitForAnswer({ port }, '/healthz', (a) => a.status === 503, '/healthz 503', 30_000);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(DOWN_SEC * 1000 - 200);
    const reasons = (JSON.parse(down.body) as { reasons: { code: string }[] }).reasons.map((r) => r.code);
    expect(reasons).toEqual(['uplink-down']);
    const m = parsePromText((await httpGet({ port }, '/metrics', BEARER)).body).samples;
    expect(sampleValue(m, 'vgw_healthy')).toBe(0);
    expect(sampleValue(m, 'vgw_uplink_down_seconds')).toBeGreaterThanOrEqual(DOWN_SEC);
    await broker.start();
    const up = await waitForAnswer({ port }, '/healthz', (a) => a.status === 200, '/healthz 200 after the broker returned', 30_000);
    expect(JSON.parse(up.body)).toEqual({ ok: true, reasons: [] });
  });
});

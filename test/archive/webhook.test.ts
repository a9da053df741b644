/**
 * The webhook push (issue 16, 第三方接口推送): alarms of the chosen severities reach the township's
 * platform once each by id, signed, in order — through a receiver that is down, then failing, then up;
 * and through the archiver's own restart with pushes still queued.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/kernel/log.js';
import { webhookSignature } from '../../provisioning/township/archive/webhook.js';
import { createMonitor, type MonitorConfig } from '../../provisioning/township/monitor/monitor.js';
import { envelope, eventTopic } from '../monitor/envelopes.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';
import { until } from '../support/wait.js';

const SECRET = 'township-platform-secret';

/** The township's platform: answers 503 to the first `failFirst` POSTs, then 200; records what it got. */
class Receiver {
  server: Server | null = null;
  got: { id: string; severity: string; signed: boolean }[] = [];
  posts = 0;
  failFirst = 0;
  constructor(readonly port: number) {}
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        this.posts++;
        if (this.posts <= this.failFirst) return void res.writeHead(503).end();
        const signed = req.headers['x-vgw-signature'] === webhookSignature(SECRET, String(req.headers['x-vgw-timestamp']), body);
        const { event } = JSON.parse(body) as { event: { id: string; severity: string } };
        expect(req.headers['x-vgw-event-id']).toBe(event.id);
        this.got.push({ id: event.id, severity: event.severity, signed });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server?.listen(this.port, '127.0.0.1', r));
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

describe.runIf(requireTools('mosquitto'))('webhook push', () => {
  const broker = new Mosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'vgw-webhook-'));
  let gateway: MqttClient;
  let receiver: Receiver;
  let config: MonitorConfig;

  beforeAll(async () => {
    await broker.start();
    gateway = await connectAsync(broker.url, { clientId: 'gw-webhook', protocolVersion: 5 });
    receiver = new Receiver(await freePort());
    config = {
      feed: { url: broker.url, clientId: 'archiver-webhook', protocolVersion: 5, scope: {} },
      filter: {},
      archive: { sqlite: join(dir, 'archive.db') },
      webhook: { url: `http://127.0.0.1:${receiver.port}/alarms`, secret: SECRET, severities: ['critical', 'major'], queueFile: join(dir, 'webhook.db'), minMs: 50, maxMs: 400 },
      settleMs: 1000,
    };
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await receiver?.stop();
    await broker.stop();
  });

  it('delivers each alarm once, signed and in order, through a receiver that is down, failing, then up, and an archiver restart', async () => {
    const log = createLogger('silent');
    let monitor = createMonitor(config, log);
    await monitor.start();
    const alarms: string[] = [];
    let seq = 0;
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const severity = i % 3 === 0 ? 'critical' : i % 3 === 1 ? 'major' : 'info';
        const e = envelope('gw-webhook', ++seq, { severity, category: 'alarm', type: 'panic.pressed' });
        if (severity !== 'info') alarms.push(e.id);
        await gateway.publishAsync(eventTopic(e), JSON.stringify(e), { qos: 1 });
        // Sent twice (a gateway's PUBACK lost): pushed once all the same.
        if (i === 4) await gateway.publishAsync(eventTopic(e), JSON.stringify(e), { qos: 1 });
      }
    };
    // The receiver is down: the pushes wait in the queue.
    await send(15);
    await until('15 archived', () => (monitor.archive?.stored ?? 0) === 15, 30_000);
    await until('failed attempts', () => (monitor.webhook?.failures ?? 0) >= 2, 30_000);
    expect(monitor.webhook?.waiting).toBe(10);
    // Stopped with pushes queued, started again later.
    await monitor.stop();
    receiver.failFirst = 3;
    await receiver.start();
    monitor = createMonitor(config, log);
    await monitor.start();
    await send(15);
    await until('every alarm pushed', () => receiver.got.length >= alarms.length, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    await monitor.stop();
    expect(receiver.got.map((g) => g.id)).toEqual(alarms);
    expect(receiver.got.every((g) => g.signed && g.severity !== 'info')).toBe(true);
    expect(receiver.posts).toBe(alarms.length + 3);
  });
});

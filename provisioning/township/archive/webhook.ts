/**
 * The push channel (第三方接口推送, issue 16): alarms of chosen severities POSTed to the township's own
 * platform. Each alarm is queued in a small SQLite file before the archiver acknowledges the broker (so
 * a crash loses none), sent in order with retries and backoff while the receiver is down, and sent once
 * per event id: a redelivered event finds its id already queued or sent. A crash between the receiver's
 * 2xx and our "sent" mark sends it again — the receiver de-duplicates on `X-Vgw-Event-Id`.
 * Signed: `X-Vgw-Signature: sha256=<hex HMAC-SHA256 of "{X-Vgw-Timestamp}.{body}">` with a shared secret.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import type { EventEnvelope, Severity } from '../monitor/uplink-message.js';
import { WebhookQueue } from './webhook-queue.js';

export interface WebhookOptions {
  url: string;
  /** The shared secret of the signature. */
  secret: string;
  /** Severities pushed. */
  severities: readonly Severity[];
  /** The queue's SQLite file. */
  queueFile: string;
  /** Backoff after a failed POST: from `minMs`, doubling, up to `maxMs`. */
  minMs?: number;
  maxMs?: number;
  /** A POST with no answer within this is a failure. */
  timeoutMs?: number;
}

/** The signature header's value for `body` sent at `timestamp` (receivers check it the same way). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookSink {
  private readonly queue: WebhookQueue;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private backoffMs: number;
  /** Alarms delivered (2xx) and failed attempts, for the stats line. */
  sent = 0;
  failures = 0;

  constructor(
    private readonly o: WebhookOptions,
    private readonly log: Logger,
  ) {
    this.queue = new WebhookQueue(o.queueFile);
    this.backoffMs = o.minMs ?? 1000;
  }

  /** Whether `e` is pushed. */
  wants(e: EventEnvelope): boolean {
    return this.o.severities.includes(e.severity);
  }

  /** Queues the alarms of a committed batch (once per id); committed when it returns. */
  enqueue(items: readonly { township: string; event: EventEnvelope }[]): void {
    const wanted = items.filter((i) => this.wants(i.event));
    if (wanted.length === 0) return;
    this.queue.add(wanted.map((i) => ({ id: i.event.id, body: JSON.stringify({ township: i.township, event: i.event }) })));
    if (!this.stopped && this.timer === null) this.schedule(0);
  }

  /** Alarms waiting to be delivered. */
  get waiting(): number {
    return this.queue.waiting();
  }

  start(): void {
    this.stopped = false;
    this.queue.forgetOldSent();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.close();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.sendNext(), ms);
  }

  private async sendNext(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    const row = this.queue.next();
    if (!row) return;
    try {
      await this.post(row.id, row.body);
      if (this.stopped) return;
      this.queue.markSent(row.n);
      this.sent++;
      this.backoffMs = this.o.minMs ?? 1000;
      this.schedule(0);
    } catch (err) {
      if (this.stopped) return;
      this.failures++;
      this.queue.markFailed(row.n);
      this.log.warn({ err: (err as Error).message, id: row.id, retryInMs: this.backoffMs, waiting: this.waiting }, 'webhook push failed; retrying');
      this.schedule(this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, this.o.maxMs ?? 60_000);
    }
  }

  private post(id: string, body: string): Promise<void> {
    const url = new URL(this.o.url);
    const timestamp = new Date().toISOString();
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        timeout: this.o.timeoutMs ?? 10_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-vgw-event-id': id, 'x-vgw-timestamp': timestamp, 'x-vgw-signature': webhookSignature(this.o.secret, timestamp, body) },
      }, (res) => {
        res.resume();
        res.on('end', () => ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('timeout', () => req.destroy(new Error('no answer in time')));
      req.on('error', reject);
      req.end(body);
    });
  }
}

/**
 * A fake ONVIF / Hikvision camera over real HTTP on loopback, for tests, the demo and the benchmark
 * (style rule 10: fakes that behave). HTTP digest on snapshots and the ISAPI alertStream, WS-Security
 * on ONVIF calls (GetSystemDateAndTime open, as ONVIF allows), PullPoint subscriptions that expire,
 * a real JPEG, and the faults installers meet: a restart (subscriptions and nonces forgotten), going
 * dark (connections refused), a slow or oversize snapshot, an alertStream dropped every N ms.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { basicAuthorization, DigestVerifier, type DigestAlgorithm } from './digest.js';
import * as soap from './fake-onvif.js';
import { tinyJpeg } from './tiny-jpeg.js';
import { parseXml } from './xml.js';

/** How the fake behaves; every field can be changed while it runs. */
export interface FakeCameraOptions {
  user: string;
  password: string;
  algorithm: DigestAlgorithm;
  /** HTTP authentication it asks for: digest (most cameras) or basic (some old units). */
  auth: 'digest' | 'basic';
  /** Camera clock minus the real one, in ms. */
  driftMs: number;
  /** Snapshot: answer after this many ms. */
  snapshotDelayMs: number;
  /** Snapshot: this many bytes instead of the JPEG (oversize tests); 0: the JPEG. */
  snapshotBytes: number;
  /** The alertStream is closed this long after it opened (some NVRs: ~40 s); 0: never. */
  streamDropMs: number;
  /** The alertStream sends a videoloss heartbeat this often. */
  heartbeatMs: number;
  /** A new alertStream starts with the last active alert again (some NVRs do). */
  replayOnConnect: boolean;
}

interface Sub {
  id: number;
  expires: number;
  queue: soap.FakeNotification[];
  waiter: (() => void) | null;
}

const MOTION = 'tns1:RuleEngine/CellMotionDetector/Motion';

export class FakeCamera {
  readonly o: FakeCameraOptions;
  readonly jpeg = tinyJpeg(320, 240);
  /** Requests by operation (`GetProfiles`, `snapshot`, `alertStream`, ...). */
  readonly calls = new Map<string, number>();
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private subs = new Map<number, Sub>();
  private nextSub = 1;
  private streams = new Set<ServerResponse>();
  private lastAlert: { eventType: string; utc: number; post: number } | null = null;
  private posts = 0;
  /** When motion was last raised: a subscription made within 10 s of it starts with IsMotion true. */
  private motionAt = 0;
  private digest: DigestVerifier;
  port = 0;

  constructor(o: Partial<FakeCameraOptions> = {}) {
    this.o = { user: 'admin', password: 'cam-secret-1', algorithm: 'MD5', auth: 'digest', driftMs: 0, snapshotDelayMs: 0, snapshotBytes: 0, streamDropMs: 0, heartbeatMs: 10_000, replayOnConnect: false, ...o };
    this.digest = this.verifier();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Live subscriptions. */
  get subscriptions(): number {
    return this.subs.size;
  }

  /** Open alertStream connections. */
  get openStreams(): number {
    return this.streams.size;
  }

  private verifier(): DigestVerifier {
    return new DigestVerifier({ realm: 'IP Camera(fake)', algorithm: this.o.algorithm, passwordOf: (u) => (u === this.o.user ? this.o.password : undefined) });
  }

  /** Listens on `port` (0: any free one; a restart keeps the port). */
  async start(port = this.port): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** Stops listening and cuts every connection: the camera went dark (power, cable). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    for (const sub of this.subs.values()) sub.waiter?.();
    this.streams.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** A reboot: connections cut, subscriptions and digest nonces forgotten, back on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    this.subs = new Map();
    this.digest = this.verifier();
    await this.start(this.port);
  }

  /** Makes every issued nonce stale (the next digest request gets `stale=true`). */
  expireNonces(): void {
    this.digest.expireNonces();
  }

  /** Raises an alarm on every subscription and alertStream (ONVIF `topic`, ISAPI `eventType`). */
  alarm(topic = MOTION, eventType = 'VMD'): void {
    const utc = Date.now() + this.o.driftMs;
    if (topic === MOTION) this.motionAt = Date.now();
    const item = topic.endsWith('MotionAlarm') ? 'State' : topic.endsWith('Tamper') ? 'IsTamper' : topic.endsWith('DigitalInput') ? 'LogicalState' : 'IsMotion';
    for (const sub of this.subs.values()) this.push(sub, { topic, operation: 'Changed', utc, source: { VideoSourceConfigurationToken: 'VideoSourceToken' }, data: { [item]: 'true' } });
    this.lastAlert = { eventType, utc, post: ++this.posts };
    for (const res of this.streams) this.alert(res, eventType, 'active', utc, this.posts);
  }

  /** Sends every alertStream a part declaring `bytes` of body (a broken or hostile device). */
  oversizePart(bytes: number): void {
    for (const res of this.streams) res.write(`--boundary\r\nContent-Type: application/xml\r\nContent-Length: ${bytes}\r\n\r\n<EventNotificationAlert>`);
  }

  private push(sub: Sub, n: soap.FakeNotification): void {
    sub.queue.push(n);
    sub.waiter?.();
  }

  private count(op: string): void {
    this.calls.set(op, (this.calls.get(op) ?? 0) + 1);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method === 'POST' && path.startsWith('/onvif/')) return this.onvif(path, Buffer.concat(chunks), res);
    if (!this.authorized(req, res)) return;
    if (path === '/onvif/snapshot.jpg' || path === '/ISAPI/Streaming/channels/101/picture') return this.snapshot(res);
    if (path === '/ISAPI/Event/notification/alertStream') return this.stream(res);
    this.count('other');
    res.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/html' }).end('<html>fake camera</html>');
  }

  private authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.o.auth === 'basic') {
      if (req.headers.authorization === basicAuthorization(this.o.user, this.o.password)) return true;
      this.count('401');
      res.writeHead(401, { 'www-authenticate': 'Basic realm="IP Camera(fake)"' }).end('unauthorized');
      return false;
    }
    const verdict = this.digest.verify(req.method ?? 'GET', req.headers.authorization);
    if (verdict === 'ok') return true;
    this.count('401');
    res.writeHead(401, { 'www-authenticate': this.digest.challenge(verdict === 'stale'), 'content-type': 'text/plain' }).end('unauthorized');
    return false;
  }

  private async snapshot(res: ServerResponse): Promise<void> {
    this.count('snapshot');
    if (this.o.snapshotDelayMs) await new Promise((r) => setTimeout(r, this.o.snapshotDelayMs));
    const body = this.o.snapshotBytes ? Buffer.concat([this.jpeg.subarray(0, 2), Buffer.alloc(this.o.snapshotBytes - 2, 0x55)]) : this.jpeg;
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
  }

  private stream(res: ServerResponse): void {
    this.count('alertStream');
    res.writeHead(200, { 'content-type': 'multipart/mixed; boundary=boundary', connection: 'keep-alive' });
    this.streams.add(res);
    if (this.o.replayOnConnect && this.lastAlert) this.alert(res, this.lastAlert.eventType, 'active', this.lastAlert.utc, this.lastAlert.post);
    const beat = setInterval(() => this.alert(res, 'videoloss', 'inactive', Date.now() + this.o.driftMs), this.o.heartbeatMs);
    const drop = this.o.streamDropMs ? setTimeout(() => res.destroy(), this.o.streamDropMs) : null;
    res.on('close', () => {
      clearInterval(beat);
      if (drop) clearTimeout(drop);
      this.streams.delete(res);
    });
  }

  private alert(res: ServerResponse, eventType: string, state: string, utc: number, post = 1): void {
    const xml = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\r\n<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><ipAddress>127.0.0.1</ipAddress><portNo>${this.port}</portNo><protocol>HTTP</protocol><channelID>1</channelID><dateTime>${new Date(utc).toISOString()}</dateTime><activePostCount>${post}</activePostCount><eventType>${eventType}</eventType><eventState>${state}</eventState><eventDescription>${eventType} alarm</eventDescription></EventNotificationAlert>`,
    );
    res.write(Buffer.concat([Buffer.from(`--boundary\r\nContent-Type: application/xml; charset="UTF-8"\r\nContent-Length: ${xml.length}\r\n\r\n`), xml, Buffer.from('\r\n')]));
  }

  private async onvif(path: string, body: Buffer, res: ServerResponse): Promise<void> {
    const send = (xml: string, status = 200) => void res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(xml);
    let doc;
    try {
      doc = parseXml(body);
    } catch {
      return send(soap.fault('ter:WellFormed', 'not XML'), 400);
    }
    const op = soap.operationOf(doc);
    this.count(op);
    const now = Date.now() + this.o.driftMs;
    if (op === 'GetSystemDateAndTime') return send(soap.systemDateAndTime(now));
    if (!soap.tokenOk(doc, (u) => (u === this.o.user ? this.o.password : undefined), now)) return send(soap.fault('ter:NotAuthorized', 'Sender not authorized'), 400);
    const m = /^\/onvif\/subscription\/(\d+)$/.exec(path);
    if (m) return this.subscriptionCall(Number(m[1]), op, doc, now, send);
    switch (op) {
      case 'GetCapabilities':
        return send(soap.capabilities(this.url));
      case 'GetServices':
        return send(soap.services(this.url));
      case 'GetProfiles':
        return send(soap.profiles());
      case 'GetSnapshotUri':
        return send(soap.snapshotUri(this.url));
      case 'GetEventProperties':
        return send(soap.eventProperties());
      case 'CreatePullPointSubscription': {
        const sec = seconds(doc, 'CreatePullPointSubscription', 'InitialTerminationTime') ?? 60;
        const sub: Sub = { id: this.nextSub++, expires: now + sec * 1000, queue: [], waiter: null };
        this.subs.set(sub.id, sub);
        // As real cameras do: the current state first, as Initialized (the driver must not report it).
        this.push(sub, { topic: MOTION, operation: 'Initialized', utc: now, source: { VideoSourceConfigurationToken: 'VideoSourceToken' }, data: { IsMotion: String(Date.now() - this.motionAt < 10_000) } });
        return send(soap.subscription(`${this.url}/onvif/subscription/${sub.id}`, now, sec));
      }
      default:
        return send(soap.fault('ter:ActionNotSupported', `${op} not supported`), 400);
    }
  }

  private async subscriptionCall(id: number, op: string, doc: ReturnType<typeof parseXml>, now: number, send: (xml: string, status?: number) => void): Promise<void> {
    const sub = this.subs.get(id);
    if (sub && sub.expires <= now) this.subs.delete(id);
    if (!sub || sub.expires <= now) return send(soap.fault('wsrf-rw:ResourceUnknownFault', `subscription ${id} unknown`), 400);
    if (op === 'Renew') {
      sub.expires = now + (seconds(doc, 'Renew', 'TerminationTime') ?? 60) * 1000;
      return send(soap.renewed(now, sub.expires));
    }
    if (op === 'Unsubscribe') {
      this.subs.delete(id);
      return send(soap.unsubscribed());
    }
    if (op !== 'PullMessages') return send(soap.fault('ter:ActionNotSupported', `${op} not supported`), 400);
    const timeout = (seconds(doc, 'PullMessages', 'Timeout') ?? 10) * 1000;
    if (!sub.queue.length) await new Promise<void>((r) => {
      const t = setTimeout(() => done(), timeout);
      const done = () => ((sub.waiter = null), clearTimeout(t), r());
      sub.waiter = done;
    });
    if (!this.server) return;
    const messages = sub.queue.splice(0);
    send(soap.pullMessages(Date.now() + this.o.driftMs, sub.expires, messages));
  }
}

/** An `xs:duration` of seconds (`PT60S`) in the request, or undefined. */
function seconds(doc: ReturnType<typeof parseXml>, op: string, field: string): number | undefined {
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, Record<string, unknown>> | undefined;
  const v = body?.[op]?.[field];
  const m = typeof v === 'string' ? /^PT(\d+)S$/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

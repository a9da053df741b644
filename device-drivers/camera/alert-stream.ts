/**
 * The Hikvision ISAPI alert stream of one camera: `GET /ISAPI/Event/notification/alertStream`, a
 * multipart response of EventNotificationAlert XML that never ends — except that some NVRs drop it
 * every ~40 s (field-notes.md). Reconnects with doubling backoff (reset once a stream delivered), a
 * silent stream counts as dead after `idleSec`, and an alert seen before a reconnect is not repeated.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { CameraHttpError, type CameraHttp } from './camera-http.js';
import { boundaryOf, MultipartReader } from './multipart.js';
import { pause, Recent } from './pause.js';
import { at, parseXml, text } from './xml.js';

/** One alert as we use it. */
export interface IsapiAlert {
  eventType: string;
  eventState: string;
  channel: string;
  dateTime: string;
  /** Counts the alerts of one ongoing alarm (Hikvision repeats an active VMD about once a second). */
  postCount: string;
  description: string;
}

/** The `isapi` config fields the stream reads. */
export interface AlertStreamConfig {
  backoffMinMs: number;
  backoffMaxMs: number;
  idleSec: number;
}

/** Largest part taken from the stream (alerts are ~1 KiB; pictures some NVRs interleave are skipped, not kept). */
const MAX_PART = 512 * 1024;

/** Reads an EventNotificationAlert document, or null when `xml` is not one. */
export function parseAlert(xml: Buffer): IsapiAlert | null {
  let doc;
  try {
    doc = parseXml(xml);
  } catch {
    return null;
  }
  const a = at(doc, 'EventNotificationAlert');
  const eventType = text(at(a, 'eventType'));
  if (!eventType) return null;
  const channel = text(at(a, 'channelID')) ?? text(at(a, 'dynChannelID')) ?? '';
  return { eventType, eventState: text(at(a, 'eventState')) ?? '', channel, dateTime: text(at(a, 'dateTime')) ?? '', postCount: text(at(a, 'activePostCount')) ?? '', description: text(at(a, 'eventDescription')) ?? '' };
}

export class AlertStream {
  readonly stats = { connects: 0, drops: 0, alerts: 0, duplicates: 0, malformed: 0, lastError: null as string | null };
  private readonly recent = new Recent();

  constructor(
    private readonly http: CameraHttp,
    private readonly url: string,
    private readonly cfg: AlertStreamConfig,
    private readonly timeoutMs: number,
    private readonly log: Logger,
    private readonly onAlert: (alert: IsapiAlert) => void,
    /** A part over the cap: counted and reported as rejected device traffic (aggregated by the gateway). */
    private readonly onOversize: (bytes: number) => void,
  ) {}

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let backoff = this.cfg.backoffMinMs;
    while (!signal.aborted) {
      let delivered = false;
      try {
        const res = await this.http.open(this.url, { timeoutMs: this.timeoutMs, signal, headers: { accept: 'multipart/mixed' } });
        const boundary = boundaryOf(res.headers['content-type']);
        if (res.statusCode !== 200 || !boundary) {
          res.resume();
          throw new CameraHttpError(res.statusCode !== 200 ? `http-${res.statusCode ?? 0}` : 'bad-reply', `alertStream answered HTTP ${res.statusCode ?? 0} ${String(res.headers['content-type'] ?? '')}`);
        }
        this.stats.connects++;
        this.log.info({ url: this.url }, 'isapi alert stream connected');
        await this.read(res, boundary, () => (delivered = true));
        if (!signal.aborted) {
          this.stats.drops++;
          this.log.warn({ url: this.url }, 'isapi alert stream ended; reconnecting');
        }
      } catch (err) {
        if (signal.aborted) break;
        const e = err as CameraHttpError;
        this.stats.lastError = e.reason ?? e.message;
        this.log.warn({ reason: e.reason, detail: e.message }, 'isapi alert stream failed; reconnecting');
      }
      if (delivered) backoff = this.cfg.backoffMinMs;
      await pause(backoff, signal);
      backoff = Math.min(backoff * 2, this.cfg.backoffMaxMs);
    }
  }

  private read(res: IncomingMessage, boundary: string, onData: () => void): Promise<void> {
    return new Promise((resolve) => {
      let idle: NodeJS.Timeout;
      const alive = () => {
        clearTimeout(idle);
        idle = setTimeout(() => res.destroy(), this.cfg.idleSec * 1000);
      };
      const reader = new MultipartReader(boundary, MAX_PART, (part) => {
        const type = part.headers['content-type'] ?? '';
        if (!/xml/i.test(type) && part.body[0] !== 0x3c) return;
        const alert = parseAlert(part.body);
        if (alert) this.alert(alert);
        else this.stats.malformed++;
      });
      alive();
      res.on('data', (chunk: Buffer) => {
        alive();
        onData();
        try {
          reader.push(chunk);
        } catch (err) {
          this.stats.malformed++;
          this.log.warn({ detail: (err as Error).message }, 'isapi alert stream malformed; reconnecting');
          this.onOversize(chunk.length);
          res.destroy();
        }
      });
      res.once('close', () => {
        clearTimeout(idle);
        resolve();
      });
      res.on('error', () => {});
    });
  }

  private alert(a: IsapiAlert): void {
    // `videoloss` inactive every few seconds is the stream's heartbeat; only active alerts are news.
    if (a.eventState !== 'active') return;
    if (this.recent.seen(`${a.eventType}|${a.channel}|${a.dateTime}|${a.postCount}`)) return void this.stats.duplicates++;
    this.stats.alerts++;
    this.onAlert(a);
  }
}

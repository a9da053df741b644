/**
 * An ONVIF client for one camera over our SOAP templates: clock and health (GetSystemDateAndTime),
 * service addresses (GetCapabilities / GetServices), snapshot URI (GetProfiles + GetSnapshotUri), event
 * topics (GetEventProperties) and a PullPoint subscription (create, pull, renew, unsubscribe).
 */
import { CameraHttpError, type CameraCredentials, type CameraHttp } from './camera-http.js';
import { envelope, ops, type SoapOperation } from './onvif-soap.js';
import { at, list, parseXml, text, type XmlNode, type XmlValue } from './xml.js';

/** One notification of a PullMessages answer. */
export interface OnvifNotification {
  /** e.g. `tns1:RuleEngine/CellMotionDetector/Motion`. */
  topic: string;
  /** `Initialized` (the state when subscribing), `Changed`, `Deleted`. */
  operation: string;
  utcTime: string | undefined;
  source: Record<string, string>;
  data: Record<string, string>;
}

/** A live PullPoint subscription. */
export interface Subscription {
  address: string;
  /** When the camera ends it unless renewed (our clock, from its CurrentTime/TerminationTime). */
  expiresAt: number;
}

const items = (node: XmlValue | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const it of list(at(node, 'SimpleItem'))) {
    const n = it as XmlNode;
    if (typeof n.Name === 'string') out[n.Name] = typeof n.Value === 'string' ? n.Value : '';
  }
  return out;
};

/** Milliseconds between two camera times, applied to our clock: the expiry of a subscription. */
const untilExpiry = (body: XmlValue | undefined, now: number): number => {
  const cur = Date.parse(text(at(body, 'CurrentTime')) ?? '');
  const term = Date.parse(text(at(body, 'TerminationTime')) ?? '');
  return Number.isFinite(cur) && Number.isFinite(term) ? now + (term - cur) : now + 60_000;
};

export class OnvifClient {
  /** Camera clock minus ours, from the last GetSystemDateAndTime; the WS-Security token uses it. */
  driftMs = 0;
  private eventsUrl: string | null = null;
  private mediaUrl: string | null = null;

  constructor(
    private readonly http: CameraHttp,
    /** The camera's base URL as configured (`http://192.168.1.64`). */
    private readonly base: URL,
    private readonly devicePath: string,
    private readonly creds: CameraCredentials | null,
    private readonly now: () => number,
    private readonly timeoutMs: number,
  ) {}

  /** A service address as the camera gives it, moved onto the configured host: cameras often report an address not reachable from here (NAT, a second interface). */
  private local(xaddr: string): string {
    try {
      const u = new URL(xaddr);
      return new URL(`${u.pathname}${u.search}`, this.base).toString();
    } catch {
      return new URL(xaddr, this.base).toString();
    }
  }

  /** Sends `op` to `url` and returns the answer's Body; a SOAP fault throws with its reason. */
  async call(op: SoapOperation, url: string, o: { timeoutMs?: number; signal?: AbortSignal | undefined; auth?: boolean } = {}): Promise<XmlNode> {
    const login = o.auth === false || !this.creds ? null : { ...this.creds, createdMs: this.now() + this.driftMs };
    const res = await this.http.fetch(url, {
      method: 'POST',
      headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${op.action}"` },
      body: envelope(op, url, login),
      timeoutMs: o.timeoutMs ?? this.timeoutMs,
      signal: o.signal,
      maxBytes: 1024 * 1024,
    });
    let doc: XmlNode;
    try {
      doc = parseXml(res.body);
    } catch {
      throw new CameraHttpError('bad-reply', `${url} answered ${op.action.split('/').pop()} with something that is not XML (HTTP ${res.status})`);
    }
    const body = at(doc, 'Envelope', 'Body') as XmlNode | undefined;
    const fault = at(body, 'Fault');
    if (fault !== undefined) {
      const code = JSON.stringify(at(fault, 'Code') ?? '');
      const reason = text(at(fault, 'Reason', 'Text')) ?? 'SOAP fault';
      throw new CameraHttpError(/NotAuthorized|FailedAuthentication/i.test(code + reason) ? 'not-authorized' : 'soap-fault', `${op.action.split('/').pop()}: ${reason}`);
    }
    if (!body || res.status >= 300) throw new CameraHttpError(`http-${res.status}`, `${url} answered HTTP ${res.status}`);
    return body;
  }

  private get deviceUrl(): string {
    return new URL(this.devicePath, this.base).toString();
  }

  /** The camera's UTC clock; also records the drift. Sent without a token, as ONVIF allows (Core spec §5.9.4.1), so it checks reachability even with a wrong password. */
  async systemDateAndTime(signal?: AbortSignal): Promise<{ cameraMs: number; driftMs: number }> {
    const sent = this.now();
    const body = await this.call(ops.getSystemDateAndTime(), this.deviceUrl, { auth: false, signal });
    const utc = at(body, 'GetSystemDateAndTimeResponse', 'SystemDateAndTime', 'UTCDateTime');
    const n = (path: string[]) => Number(text(at(utc, ...path)));
    const cameraMs = Date.UTC(n(['Date', 'Year']), n(['Date', 'Month']) - 1, n(['Date', 'Day']), n(['Time', 'Hour']), n(['Time', 'Minute']), n(['Time', 'Second']));
    if (!Number.isFinite(cameraMs)) throw new CameraHttpError('bad-reply', 'GetSystemDateAndTime gave no UTCDateTime');
    // Against the middle of the exchange: the answer's seconds were read somewhere in between.
    this.driftMs = cameraMs - (sent + this.now()) / 2;
    return { cameraMs, driftMs: this.driftMs };
  }

  /** The events and media service addresses (GetCapabilities). */
  async capabilities(): Promise<{ events: string | null; media: string | null }> {
    const caps = at(await this.call(ops.getCapabilities(), this.deviceUrl), 'GetCapabilitiesResponse', 'Capabilities');
    const addr = (k: string) => text(at(caps, k, 'XAddr'));
    const events = addr('Events');
    const media = addr('Media');
    this.eventsUrl = events ? this.local(events) : null;
    this.mediaUrl = media ? this.local(media) : null;
    return { events: this.eventsUrl, media: this.mediaUrl };
  }

  /** The services the camera lists (GetServices): namespace and address. */
  async services(): Promise<{ namespace: string; xaddr: string }[]> {
    const body = await this.call(ops.getServices(), this.deviceUrl);
    return list(at(body, 'GetServicesResponse', 'Service')).map((s) => ({ namespace: text(at(s, 'Namespace')) ?? '', xaddr: this.local(text(at(s, 'XAddr')) ?? '') }));
  }

  private async media(): Promise<string> {
    if (!this.mediaUrl) await this.capabilities();
    if (!this.mediaUrl) throw new CameraHttpError('bad-reply', 'the camera offers no ONVIF media service');
    return this.mediaUrl;
  }

  private async events(): Promise<string> {
    if (!this.eventsUrl) await this.capabilities();
    if (!this.eventsUrl) throw new CameraHttpError('bad-reply', 'the camera offers no ONVIF events service');
    return this.eventsUrl;
  }

  /** The snapshot URI of the first media profile (GetProfiles + GetSnapshotUri). */
  async snapshotUri(): Promise<string> {
    const media = await this.media();
    const profile = list(at(await this.call(ops.getProfiles(), media), 'GetProfilesResponse', 'Profiles'))[0] as XmlNode | undefined;
    const token = typeof profile?.token === 'string' ? profile.token : undefined;
    if (!token) throw new CameraHttpError('bad-reply', 'the camera lists no media profile');
    const uri = text(at(await this.call(ops.getSnapshotUri(token), media), 'GetSnapshotUriResponse', 'MediaUri', 'Uri'));
    if (!uri) throw new CameraHttpError('bad-reply', `profile "${token}" has no snapshot URI`);
    return this.local(uri);
  }

  /** The event topics the camera offers (GetEventProperties' TopicSet, leaves marked `topic="true"`). */
  async eventTopics(): Promise<string[]> {
    const set = at(await this.call(ops.getEventProperties(), await this.events()), 'GetEventPropertiesResponse', 'TopicSet');
    const out: string[] = [];
    const walk = (node: XmlValue | undefined, path: string[]): void => {
      if (!node || typeof node === 'string') return;
      for (const n of list(node)) {
        if (typeof n === 'string' || Array.isArray(n)) continue;
        if (n.topic === 'true' && path.length) out.push(`tns1:${path.join('/')}`);
        for (const [k, v] of Object.entries(n)) if (k !== 'MessageDescription' && typeof v !== 'string') walk(v, [...path, k]);
      }
    };
    walk(set, []);
    return out;
  }

  /** Creates a PullPoint subscription ending `terminationSec` from now unless renewed. */
  async subscribe(terminationSec: number, signal?: AbortSignal): Promise<Subscription> {
    const body = at(await this.call(ops.createPullPointSubscription(terminationSec), await this.events(), { signal }), 'CreatePullPointSubscriptionResponse');
    const address = text(at(body, 'SubscriptionReference', 'Address'));
    if (!address) throw new CameraHttpError('bad-reply', 'CreatePullPointSubscription gave no address');
    return { address: this.local(address), expiresAt: untilExpiry(body, this.now()) };
  }

  /** Waits up to `timeoutSec` for notifications on `sub`. */
  async pull(sub: Subscription, timeoutSec: number, limit: number, signal?: AbortSignal): Promise<OnvifNotification[]> {
    // The camera holds the request up to timeoutSec; ours must outlast it.
    const body = at(await this.call(ops.pullMessages(timeoutSec, limit), sub.address, { timeoutMs: timeoutSec * 1000 + this.timeoutMs, signal }), 'PullMessagesResponse');
    sub.expiresAt = Math.max(sub.expiresAt, untilExpiry(body, this.now()));
    return list(at(body, 'NotificationMessage')).map((m) => {
      const msg = at(m, 'Message', 'Message') as XmlNode | undefined;
      return {
        topic: (text(at(m, 'Topic')) ?? '').trim(),
        operation: typeof msg?.PropertyOperation === 'string' ? msg.PropertyOperation : 'Changed',
        utcTime: typeof msg?.UtcTime === 'string' ? msg.UtcTime : undefined,
        source: items(at(msg, 'Source')),
        data: items(at(msg, 'Data')),
      };
    });
  }

  /** Extends `sub` by `terminationSec`. */
  async renew(sub: Subscription, terminationSec: number, signal?: AbortSignal): Promise<void> {
    const body = at(await this.call(ops.renew(terminationSec), sub.address, { signal }), 'RenewResponse');
    sub.expiresAt = untilExpiry(body, this.now());
  }

  /** Ends `sub` (best effort: a camera that restarted has already forgotten it). */
  async unsubscribe(sub: Subscription): Promise<void> {
    await this.call(ops.unsubscribe(), sub.address, { timeoutMs: Math.min(this.timeoutMs, 2000) });
  }
}

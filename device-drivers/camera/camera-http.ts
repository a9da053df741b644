/**
 * HTTP to one camera on node:http (not global fetch: +20–32 MiB, architecture.md decisions of
 * 2026-12-01): digest authentication with the session kept between requests (nc per nonce), one
 * re-challenge per request (a stale nonce, RFC 7616 §3.3, or a camera that restarted and forgot its
 * nonces), basic only when the camera offers no digest, a deadline and a body cap, and streamed
 * responses for the ISAPI alertStream.
 */
import { request, type IncomingMessage } from 'node:http';
import { basicAuthorization, DigestSession, parseChallenges } from './digest.js';

/** Why a request to a camera failed: a stable word for events and counters. */
export type CameraFailure = 'timeout' | 'too-large' | 'unreachable' | 'aborted' | 'bad-url' | 'bad-reply' | 'soap-fault' | 'not-authorized' | `http-${number}`;

/** A failed camera request, with the reason events carry and a detail for people. */
export class CameraHttpError extends Error {
  constructor(
    readonly reason: CameraFailure,
    message: string,
  ) {
    super(message);
    this.name = 'CameraHttpError';
  }
}

/** A camera's login; the password is never logged or put into an event. */
export interface CameraCredentials {
  user: string;
  password: string;
}

/** One request's options. */
export interface CameraRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** The whole exchange (both legs of a digest handshake, and the body for `fetch`) must end within this. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** A buffered response. */
export interface CameraResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const drain = (res: IncomingMessage) => void res.resume();

export class CameraHttp {
  private digest: DigestSession | null = null;
  private basic = false;
  /** Requests answered 401 even after the re-challenge (wrong password). */
  authFailures = 0;

  /** The HTTP authentication in use: `digest MD5`, `basic`, or null before any challenge. */
  get scheme(): string | null {
    return this.digest ? `digest ${this.digest.algorithm}` : this.basic ? 'basic' : null;
  }

  constructor(private readonly creds: CameraCredentials | null) {}

  /**
   * Sends a request and resolves with the response once its headers arrive (within `timeoutMs`); the
   * body is the caller's to read (a stream stays open until `signal` aborts or the camera ends it).
   */
  async open(url: string, o: CameraRequest): Promise<IncomingMessage> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new CameraHttpError('bad-url', `not a URL: ${url}`);
    }
    if (target.protocol !== 'http:') throw new CameraHttpError('bad-url', `only http:// camera URLs are supported, not ${target.protocol}//`);
    const method = o.method ?? 'GET';
    const uri = `${target.pathname}${target.search}`;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...o.headers };
      const auth = this.authorization(method, uri);
      if (auth) headers.authorization = auth;
      const res = await this.once(target, method, headers, o);
      if (res.statusCode !== 401 || !this.creds) return res;
      drain(res);
      const challenges = parseChallenges(res.headersDistinct['www-authenticate'] ?? []);
      // One re-challenge per request: a first contact, a stale nonce, or a camera that restarted.
      if (attempt === 0) {
        const session = DigestSession.from(challenges, this.creds.user, this.creds.password);
        if (session) {
          this.digest = session;
          this.basic = false;
          continue;
        }
        if (!this.basic && challenges.some((c) => c.scheme === 'basic')) {
          this.basic = true;
          continue;
        }
      }
      this.authFailures++;
      throw new CameraHttpError('http-401', `${target.host} refused the login of user "${this.creds.user}" (HTTP 401)`);
    }
  }

  /**
   * A request whose body is read whole within `timeoutMs`, refused above `maxBytes` (never a truncated
   * body). One controller of our own joins the deadline and the caller's signal, and lets go of the
   * caller's signal when done: that one lives as long as the driver, so nothing may pile up on it.
   */
  async fetch(url: string, o: CameraRequest & { maxBytes: number }): Promise<CameraResponse> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new CameraHttpError('timeout', `${url} did not finish within ${o.timeoutMs} ms`)), o.timeoutMs);
    const cancel = () => ctl.abort(new CameraHttpError('aborted', `request to ${url} was cancelled`));
    if (o.signal?.aborted) cancel();
    o.signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await this.read(url, await this.open(url, { ...o, signal: ctl.signal }), o.maxBytes, ctl.signal);
    } catch (err) {
      throw ctl.signal.reason instanceof CameraHttpError ? ctl.signal.reason : err;
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', cancel);
    }
  }

  private read(url: string, res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<CameraResponse> {
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      res.destroy();
      throw new CameraHttpError('too-large', `${url} sends ${declared} bytes, over the cap of ${maxBytes}`);
    }
    return new Promise<CameraResponse>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onAbort = () => {
        res.destroy();
        reject(signal.reason instanceof Error ? signal.reason : new CameraHttpError('unreachable', `connection to ${url} lost during the body`));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxBytes) return void chunks.push(c);
        signal.removeEventListener('abort', onAbort);
        res.destroy();
        reject(new CameraHttpError('too-large', `${url} sent more than the cap of ${maxBytes} bytes`));
      });
      res.on('end', () => {
        signal.removeEventListener('abort', onAbort);
        if (size <= maxBytes) resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', () => onAbort());
    });
  }

  private authorization(method: string, uri: string): string | undefined {
    if (!this.creds) return undefined;
    if (this.digest) return this.digest.authorize(method, uri);
    return this.basic ? basicAuthorization(this.creds.user, this.creds.password) : undefined;
  }

  private once(target: URL, method: string, headers: Record<string, string>, o: CameraRequest): Promise<IncomingMessage> {
    const { body, signal, timeoutMs } = o;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CameraHttpError('aborted', `request to ${target.host} was cancelled`));
      let timedOut = false;
      const sized = body !== undefined ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers;
      const req = request(target, { method, headers: sized, agent: false }, (res) => {
        clearTimeout(timer);
        res.once('close', () => signal?.removeEventListener('abort', abort));
        resolve(res);
      });
      // Our own timer, not the request's `signal`: that would also cut a stream whose headers came in time.
      const timer = setTimeout(() => ((timedOut = true), req.destroy()), timeoutMs);
      const abort = () => req.destroy();
      signal?.addEventListener('abort', abort, { once: true });
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        if (timedOut) reject(new CameraHttpError('timeout', `${target.host} did not answer within ${timeoutMs} ms`));
        else if (signal?.aborted) reject(signal.reason instanceof CameraHttpError ? signal.reason : new CameraHttpError('aborted', `request to ${target.host} was cancelled`));
        else reject(new CameraHttpError('unreachable', `${target.host} unreachable: ${err.code ?? err.message}`));
      });
      req.end(body);
    });
  }
}

/**
 * Audio URLs of notices: fetched (node:http, as the cameras: no undici in the daemon) only from
 * addresses off the box (url-guard.ts), with a time limit for the whole transfer and a size cap (checked on
 * the announced length and again while reading, since a server may announce none or lie), verified
 * against the command's sha256, kept under that hash so a notice repeated or sent again is not
 * fetched again. Each failure has a code and a reason for the operator.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { sniffFormat } from '../../device-drivers/loudspeaker/audio-file.js';
import { guardedLookup, refuseLiteral, type UrlPolicy } from './url-guard.js';

export type DownloadCode = 'download-unreachable' | 'download-refused' | 'download-timeout' | 'download-http' | 'download-too-large' | 'download-checksum' | 'download-not-audio';

/** Answers that send the client elsewhere (RFC 9110 §15.4). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export class DownloadError extends Error {
  constructor(
    readonly code: DownloadCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DownloadLimits {
  timeoutMs: number;
  maxBytes: number;
  /** Local targets allowed (see url-guard.ts); none by default. */
  allowLocal?: boolean;
  localHosts?: readonly string[];
}

export class Downloader {
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly policy: UrlPolicy;

  constructor(
    readonly dir: string,
    private readonly limits: DownloadLimits,
    private readonly log: Logger,
  ) {
    this.policy = { allowLocal: limits.allowLocal ?? false, localHosts: limits.localHosts ?? [] };
  }

  /** The verified file with this sha256, downloaded unless cached; one transfer per hash at a time. */
  fetch(url: string, sha256: string, maxBytes = this.limits.maxBytes): Promise<string> {
    const cached = this.cached(sha256);
    if (cached) {
      const now = new Date();
      utimesSync(cached, now, now); // the cache is pruned by age of last use
      return Promise.resolve(cached);
    }
    let pending = this.inflight.get(sha256);
    if (!pending) {
      pending = this.download(url, sha256, Math.min(maxBytes, this.limits.maxBytes)).finally(() => this.inflight.delete(sha256));
      this.inflight.set(sha256, pending);
    }
    return pending;
  }

  cached(sha256: string): string | null {
    for (const ext of ['wav', 'mp3']) {
      const path = join(this.dir, `${sha256}.${ext}`);
      if (existsSync(path)) return path;
    }
    return null;
  }

  private async download(url: string, sha256: string, maxBytes: number): Promise<string> {
    const started = Date.now();
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    const response = await this.open(url, signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      response.resume();
      throw new DownloadError('download-http', `${url} answered HTTP ${status} ${response.statusMessage ?? ''}`.trim());
    }
    const announced = Number(response.headers['content-length']);
    if (announced > maxBytes) {
      response.destroy();
      throw new DownloadError('download-too-large', `${url} is ${announced} bytes, more than the limit of ${maxBytes}`);
    }
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          response.destroy();
          throw new DownloadError('download-too-large', `${url} sent more than the limit of ${maxBytes} bytes; download stopped`);
        }
        hash.update(chunk);
        chunks.push(chunk);
      }
    } catch (err) {
      throw err instanceof DownloadError ? err : this.failure(err, url, signal);
    }
    // The computed hash is never quoted: it would tell the sender what the fetched page holds (issue 8, #14a).
    if (hash.digest('hex') !== sha256) throw new DownloadError('download-checksum', `${url} does not have the sha256 the command gives (${sha256}): not the file the operator meant (changed or damaged)`);
    const body = Buffer.concat(chunks);
    const format = sniffFormat(body.subarray(0, 64));
    if (!format) throw new DownloadError('download-not-audio', `${url} is neither WAV nor MP3 audio`);
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${sha256}.${format}`);
    // Written aside and renamed: a crash mid-write must not leave a truncated file under a valid hash.
    writeFileSync(`${path}.part`, body);
    renameSync(`${path}.part`, path);
    this.log.info({ url, bytes, ms: Date.now() - started }, 'broadcast audio downloaded');
    return path;
  }

  /** Connects, following redirects (each target checked like the first), until a non-redirect answer. */
  private async open(url: string, signal: AbortSignal): Promise<IncomingMessage> {
    let current: URL;
    try {
      current = new URL(url);
    } catch (err) {
      throw new DownloadError('download-unreachable', `"${url}" is not a URL`, { cause: err });
    }
    for (let hop = 0; ; hop++) {
      const where = hop === 0 ? url : `${url} (redirected to ${current.href})`;
      if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new DownloadError('download-refused', `${where}: only http and https URLs are fetched`);
      const literal = refuseLiteral(current, this.policy);
      if (literal) throw this.refused(where, literal);
      const target = current;
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const get = target.protocol === 'https:' ? httpsGet : httpGet;
        get(target, { signal, lookup: guardedLookup(target, this.policy) }, resolve).on('error', reject);
      }).catch((err: unknown) => {
        if ((err as { code?: unknown }).code === 'VGW_LOCAL_ADDRESS') throw this.refused(where, (err as Error).message);
        throw this.failure(err, where, signal);
      });
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return response;
      response.resume();
      if (hop >= MAX_REDIRECTS) throw new DownloadError('download-http', `${url}: more than ${MAX_REDIRECTS} redirects`);
      current = new URL(location, current);
    }
  }

  private refused(where: string, reason: string): DownloadError {
    return new DownloadError('download-refused', `${where} is refused: ${reason}; notice audio must come from a server off this box and its loopback (broadcast.allowLocalUrls or broadcast.localUrlHosts allow one)`);
  }

  private failure(err: unknown, url: string, signal: AbortSignal): DownloadError {
    const e = err as NodeJS.ErrnoException;
    if (signal.aborted) return new DownloadError('download-timeout', `no complete download of ${url} within ${this.limits.timeoutMs / 1000} s`, { cause: err });
    return new DownloadError('download-unreachable', `cannot reach ${url}: ${e.code ?? e.message}`, { cause: err });
  }
}

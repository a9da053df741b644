/**
 * Audio URLs of notices: fetched with a time limit for the whole transfer and a size cap (checked on
 * the announced length and again while reading, since a server may announce none or lie), verified
 * against the command's sha256, kept under that hash so a notice repeated or sent again is not
 * fetched again. Each failure has a code and a reason for the operator.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { sniffFormat } from '../../device-drivers/loudspeaker/audio-file.js';

export type DownloadCode = 'download-unreachable' | 'download-timeout' | 'download-http' | 'download-too-large' | 'download-checksum' | 'download-not-audio';

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
}

export class Downloader {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    readonly dir: string,
    private readonly limits: DownloadLimits,
    private readonly log: Logger,
  ) {}

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
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.limits.timeoutMs) });
    } catch (err) {
      throw this.failure(err, url);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new DownloadError('download-http', `${url} answered HTTP ${response.status} ${response.statusText}`.trim());
    }
    const announced = Number(response.headers.get('content-length'));
    if (announced > maxBytes) {
      await response.body.cancel();
      throw new DownloadError('download-too-large', `${url} is ${announced} bytes, more than the limit of ${maxBytes}`);
    }
    const hash = createHash('sha256');
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        if (bytes > maxBytes) {
          await reader.cancel();
          throw new DownloadError('download-too-large', `${url} sent more than the limit of ${maxBytes} bytes; download stopped`);
        }
        hash.update(value);
        chunks.push(value);
      }
    } catch (err) {
      throw err instanceof DownloadError ? err : this.failure(err, url);
    }
    const actual = hash.digest('hex');
    if (actual !== sha256) throw new DownloadError('download-checksum', `sha256 of ${url} is ${actual}, the command says ${sha256}: not the file the operator meant (changed or damaged)`);
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

  private failure(err: unknown, url: string): DownloadError {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return new DownloadError('download-timeout', `no complete download of ${url} within ${this.limits.timeoutMs / 1000} s`, { cause: err });
    return new DownloadError('download-unreachable', `cannot reach ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`, { cause: err });
  }
}

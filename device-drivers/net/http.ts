/**
 * The HTTP client seam (cameras: ONVIF, ISAPI, snapshots) on node:http — not the global fetch, which
 * costs 20–32 MiB in the daemon (architecture.md, decisions of 2026-12-01). Bodies are capped.
 */
import { request } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpClient {
  /** One request; rejects on a network error, a body over `maxBytes` or `signal`. */
  request(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; maxBytes: number; signal: AbortSignal }): Promise<HttpResponse>;
}

/** HTTP through node:http. */
export const systemHttp: HttpClient = {
  request(url, { method = 'GET', headers = {}, body, maxBytes, signal }) {
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const req = request(url, { method, headers, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          // Over the cap: rejected at once and the socket dropped, never a truncated body.
          if (size > maxBytes) return void (fail(new Error(`response from ${url} is over ${maxBytes} bytes`)), res.destroy());
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end(body);
    });
  },
};

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
      const req = request(url, { method, headers, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) return void req.destroy(new Error(`response from ${url} is over ${maxBytes} bytes`));
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  },
};

/** Plain GETs for tests: over TCP to the LAN server, or over the gateway's Unix status socket. */
import { request } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(target: { port: number } | { socketPath: string }, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ ...('port' in target ? { host: '127.0.0.1', port: target.port } : { socketPath: target.socketPath }), path, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `GET path` until `ok(answer)`; fails with the last answer after `timeoutMs`. */
export async function waitForAnswer(target: { port: number } | { socketPath: string }, path: string, ok: (a: HttpAnswer) => boolean, what: string, timeoutMs = 20_000, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const until = Date.now() + timeoutMs;
  let last: HttpAnswer | null = null;
  for (;;) {
    last = await httpGet(target, path, headers);
    if (ok(last)) return last;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer ${last.status}: ${last.body.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

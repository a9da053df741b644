/**
 * Audio URL notices against a real HTTP server on loopback: a good file plays and is cached by its
 * hash; a wrong sha256, an oversized file (announced or not) and an unreachable URL each fail with a
 * code and a reason; a server that never finishes runs into the time limit.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../device-drivers/loudspeaker/audio-file.js';
import { DownloadError, Downloader } from '../../gateway/broadcast/download.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { freePort } from '../support/ports.js';
import { TownshipProbe } from '../support/township.js';
import { Operator, outcome, startVillage, type Village } from './support.js';

const GW = '370283104-bc-dl';
const LIMIT = 64 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'vgw-dl-'));
writeWav(join(dir, 'notice.wav'), new Int16Array(8000), 16_000); // 0.5 s, 16 KB
const NOTICE = readFileSync(join(dir, 'notice.wav'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('audio URL notices', () => {
  const township = new EmbeddedBroker();
  const hits = new Map<string, number>();
  let server: Server;
  let base: string;
  let probe: TownshipProbe;
  let op: Operator;
  let v: Village;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
      if (req.url === '/notice.wav') return res.end(NOTICE);
      if (req.url === '/big.wav') return res.writeHead(200, { 'content-length': String(LIMIT * 4) }).end(Buffer.alloc(LIMIT * 4));
      if (req.url === '/big-unannounced.wav') {
        res.writeHead(200); // chunked: no length announced
        for (let i = 0; i < 8; i++) res.write(Buffer.alloc(LIMIT / 4));
        return res.end();
      }
      if (req.url === '/slow.wav') return res.writeHead(200).write(NOTICE.subarray(0, 100)); // never ends
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-dl', 4);
    op = await Operator.connect(township.url);
    v = await startVillage({ uplinkUrl: township.url, gatewayId: GW, broadcast: { downloadMaxBytes: LIMIT, downloadTimeoutSec: 5, allowLocalUrls: true } });
    await probe.waitFor(() => v.gateway.inspect().commandsReady, 10_000, 'command subscription');
  });
  afterAll(async () => {
    await v?.gateway.stop();
    await op?.close();
    await probe?.close();
    await township.stop();
    server.closeAllConnections();
    server.close();
  });

  it('plays a verified download and fetches it only once for the same hash', async () => {
    const url = `${base}/notice.wav`;
    for (let i = 0; i < 2; i++) {
      const id = await op.send('broadcast', GW, { url, sha256: sha(NOTICE) });
      expect((await outcome(probe, id)).map((r) => r.status)).toEqual(['accepted', 'done']);
    }
    expect(v.audio.plays.filter((p) => p.label === `url:${url}` && p.completed)).toHaveLength(2);
    expect(v.audio.plays.at(-1)!.durationMs).toBe(125); // 0.5 s read from the WAV header, at the tests' 4x speed
    expect(hits.get('/notice.wav')).toBe(1);
  });

  it.each([
    ['a wrong sha256', () => ({ url: `${base}/notice.wav`, sha256: 'ab'.repeat(32) }), 'download-checksum', /notice\.wav does not have the sha256 the command gives \(abab/],
    ['an oversized file', () => ({ url: `${base}/big.wav`, sha256: 'cd'.repeat(32) }), 'download-too-large', /is 262144 bytes, more than the limit of 65536/],
    ['a file larger than the command allows', () => ({ url: `${base}/notice.wav`, sha256: 'ef'.repeat(32), maxBytes: 1000 }), 'download-too-large', /more than the limit of 1000/],
    ['an unreachable URL', async () => ({ url: `http://127.0.0.1:${await freePort()}/gone.wav`, sha256: '01'.repeat(32) }), 'download-unreachable', /cannot reach http:\/\/127\.0\.0\.1:\d+\/gone\.wav: ECONNREFUSED/],
  ])('fails %s with the reason', async (_what, params, code, message) => {
    const id = await op.send('broadcast', GW, await params());
    const [accepted, final] = await outcome(probe, id);
    expect(accepted).toMatchObject({ status: 'accepted' });
    expect(final).toMatchObject({ status: 'failed', error: { code, message: expect.stringMatching(message) } });
    expect(probe.events.find((e) => e.type === 'broadcast.failed' && e.data.broadcast === id)?.data).toMatchObject({ code });
    expect(probe.invalid).toEqual([]);
  });

  it('stops reading an unannounced body at the size cap, and gives up on a server that never finishes', async () => {
    const downloads = new Downloader(join(dir, 'cache'), { timeoutMs: 300, maxBytes: LIMIT, allowLocal: true }, pino({ level: 'silent' }));
    await expect(downloads.fetch(`${base}/big-unannounced.wav`, '00'.repeat(32))).rejects.toMatchObject({ code: 'download-too-large' });
    const slow = await downloads.fetch(`${base}/slow.wav`, '00'.repeat(32)).catch((err: unknown) => err);
    expect(slow).toBeInstanceOf(DownloadError);
    expect(slow).toMatchObject({ code: 'download-timeout', message: expect.stringMatching(/no complete download of .*slow\.wav within 0\.3 s/) });
  });
});

/** Issue 9, item 2: the drivers' network seams on loopback — UDP (node:dgram) and HTTP (node:http, capped bodies). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemHttp } from '../../device-drivers/net/http.js';
import { systemUdp, type Datagram } from '../../device-drivers/net/udp.js';

describe('network seams', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  it('UDP: datagrams arrive with their sender, replies go back, oversized ones are dropped', async () => {
    const got: Datagram[] = [];
    const door = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 16 }, (d) => void got.push(d));
    const replies: Datagram[] = [];
    const peer = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 16 }, (d) => void replies.push(d));
    try {
      await peer.send(Buffer.alloc(17, 1), door.port, '127.0.0.1');
      await peer.send(Buffer.from('card 1234'), door.port, '127.0.0.1');
      const until = Date.now() + 5000;
      while (got.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(got.map((d) => [d.bytes.toString(), d.port])).toEqual([['card 1234', peer.port]]);
      await door.send(Buffer.from('open'), got[0]!.port, got[0]!.address);
      while (replies.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(replies.map((d) => d.bytes.toString())).toEqual(['open']);
    } finally {
      await door.close();
      await peer.close();
    }
  });

  it('HTTP: a request gets status, headers and body; a body over the cap rejects', async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'image/jpeg');
      res.end(req.url === '/big' ? Buffer.alloc(4096) : Buffer.from('jpeg!'));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const signal = AbortSignal.timeout(5000);
    const res = await systemHttp.request(`${base}/snapshot`, { maxBytes: 1024, signal });
    expect([res.status, res.headers['content-type'], res.body.toString()]).toEqual([200, 'image/jpeg', 'jpeg!']);
    await expect(systemHttp.request(`${base}/big`, { maxBytes: 1024, signal })).rejects.toThrow(/over 1024 bytes/);
  });
});

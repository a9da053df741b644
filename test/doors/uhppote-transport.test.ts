/**
 * The UDP requester against a controller that answers late: a reply that arrives after its request
 * timed out (and was retried) must not be taken as the answer to the next request. UHPPOTE frames
 * carry no request id, so a late put-card "ok" would confirm a card that never reached the board.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemUdp, type UdpSocket } from '../../device-drivers/net/udp.js';
import { FN, request } from '../../device-drivers/uhppote/frames.js';
import { udpRequester, type Requester } from '../../device-drivers/uhppote/transport.js';

const SERIAL = 423187757;
let parts: (UdpSocket | Requester)[] = [];
afterEach(async () => {
  for (const p of parts) await p.close();
  parts = [];
});

/** A controller that answers get-event with the asked index, the n-th datagram after `delays[n]` ms. */
async function lateController(delays: number[]) {
  let n = 0;
  const received: number[] = [];
  const sock: UdpSocket = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 1024 }, (d) => {
    const index = d.bytes.readUInt32LE(8);
    received.push(index);
    const reply = request(FN.getEvent, SERIAL);
    reply.writeUInt32LE(index, 8);
    setTimeout(() => void sock.send(reply, d.port, d.address).catch(() => {}), delays[n++] ?? 0);
  });
  parts.push(sock);
  return { port: sock.port, received };
}

describe('UHPPOTE UDP requester', () => {
  it('a late reply to an earlier request is never taken as the answer to the next one', async () => {
    // Request 1's first answer comes after 150 ms (its retry at 100 ms is answered at once); request 2's
    // first answer takes 200 ms, so request 1's late answer lands while request 2 waits.
    const ctl = await lateController([150, 0, 200, 0]);
    const refused: string[] = [];
    const req = await udpRequester(systemUdp, { address: '127.0.0.1', port: ctl.port, serial: SERIAL, timeoutMs: 100, retries: 2, refused: (p) => void refused.push(p) });
    parts.push(req);
    const ask = (index: number) => {
      const f = request(FN.getEvent, SERIAL);
      f.writeUInt32LE(index, 8);
      return req.call(f).then((r) => r.readUInt32LE(8));
    };
    expect(await ask(1)).toBe(1);
    expect(await ask(2)).toBe(2);
    expect(await ask(3)).toBe(3);
    expect(ctl.received).toEqual([1, 1, 2, 2, 3]);
    expect(refused).toEqual([]);
  });

  it('a reply that was lost for good costs the next request one retry, never a wrong answer', async () => {
    let drop = 1;
    const sock: UdpSocket = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 1024 }, (d) => {
      if (drop-- > 0) return; // the first request is never answered
      const reply = request(FN.getEvent, SERIAL);
      reply.writeUInt32LE(d.bytes.readUInt32LE(8), 8);
      void sock.send(reply, d.port, d.address);
    });
    parts.push(sock);
    const req = await udpRequester(systemUdp, { address: '127.0.0.1', port: sock.port, serial: SERIAL, timeoutMs: 100, retries: 1, refused: () => {} });
    parts.push(req);
    const f = (i: number) => {
      const q = request(FN.getEvent, SERIAL);
      q.writeUInt32LE(i, 8);
      return q;
    };
    expect((await req.call(f(7))).readUInt32LE(8)).toBe(7);
    expect((await req.call(f(8))).readUInt32LE(8)).toBe(8);
  });
});

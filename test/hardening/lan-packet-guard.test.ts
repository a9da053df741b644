/**
 * The socket guard's fixed-header scan (issue 8, finding 1) on hand-made byte streams: packets split at
 * every byte boundary pass untouched; an over-cap declared length is caught whatever the chunking, from
 * its length bytes alone; a fifth length byte is malformed [MQTT 3.1.1 §2.2.3].
 */
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GuardedSocket, type GuardRefusal } from '../../gateway/lan/packet-guard.js';
import { connectPacket, fixedHeader } from './support/lan.js';

/** A fake socket: what the test pushes is "received"; what the guard writes is dropped. */
function fakeSocket(): Duplex {
  return new Duplex({ read() {}, write(_c, _e, done) { done(); } });
}

function run(chunks: Buffer[], limits = { beforeLogin: 4096, beforeLoginTotal: 1 << 30, afterLogin: 1 << 20 }) {
  const socket = fakeSocket();
  const refusals: GuardRefusal[] = [];
  const guard = new GuardedSocket(socket, limits, (r) => refusals.push(r));
  const passed: Buffer[] = [];
  guard.on('data', (d: Buffer) => passed.push(d));
  guard.on('error', () => undefined);
  for (const c of chunks) socket.push(c);
  return new Promise<{ passed: Buffer; refusals: GuardRefusal[]; destroyed: boolean }>((resolve) => setImmediate(() => resolve({ passed: Buffer.concat(passed), refusals, destroyed: socket.destroyed })));
}

describe('packet guard fixed-header scan', () => {
  const stream = Buffer.concat([
    connectPacket({ clientId: 'door-west-1', username: 'door-west', password: 'x' }),
    fixedHeader(0x30, 300), Buffer.alloc(300, 1), // PUBLISH, 2-byte length
    fixedHeader(0xc0, 0), // PINGREQ
    fixedHeader(0x30, 20_000), Buffer.alloc(20_000, 2), // 3-byte length
  ]);

  it('passes a stream of valid packets split at every byte, unchanged', async () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const out = await run(bytes, { beforeLogin: 1 << 20, beforeLoginTotal: 1 << 30, afterLogin: 1 << 20 });
    expect(out.refusals).toEqual([]);
    expect(out.passed.equals(stream)).toBe(true);
  });

  it('passes the same stream in one chunk', async () => {
    const out = await run([stream], { beforeLogin: 1 << 20, beforeLoginTotal: 1 << 30, afterLogin: 1 << 20 });
    expect(out.refusals).toEqual([]);
    expect(out.passed.length).toBe(stream.length);
  });

  it('catches a 250 MB declared length split across chunks, before any of its body is passed on', async () => {
    const head = fixedHeader(0x10, 250_000_000);
    const out = await run([head.subarray(0, 2), head.subarray(2), Buffer.alloc(1000)]);
    expect(out.refusals).toEqual([{ reason: 'packet-too-large', packetType: 1, bytes: 250_000_000 }]);
    expect(out.passed.length).toBeLessThanOrEqual(2); // at most the header bytes of the first chunk
    expect(out.destroyed).toBe(true);
  });

  it('catches an over-cap packet after valid ones in the same chunk', async () => {
    const out = await run([Buffer.concat([fixedHeader(0xc0, 0), fixedHeader(0x30, 5000), Buffer.alloc(10)])]);
    expect(out.refusals.map((r) => [r.reason, r.packetType, r.bytes])).toEqual([['packet-too-large', 3, 5000]]);
  });

  it('refuses a fifth length byte as malformed', async () => {
    const out = await run([Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])], { beforeLogin: Number.MAX_SAFE_INTEGER, beforeLoginTotal: 1 << 30, afterLogin: 0 });
    expect(out.refusals.map((r) => r.reason)).toEqual(['malformed-length']);
  });
});

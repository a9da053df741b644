/**
 * Requests to one controller, one at a time: over UDP 60000 (the seam of net/udp.ts), or over TCP 60000
 * for controllers on another subnet or across a VPN, where UDP broadcast and NAT fail (uhppote-core#17:
 * the same 64-byte frames work over TCP). A reply counts only when it is a sound frame of the request's
 * function from the controller's serial and address; anything else is refused and counted.
 */
import { connect } from 'node:net';
import type { UdpNetwork, UdpSocket } from '../net/udp.js';
import { FRAME_BYTES, frameProblem, type FrameProblem } from './frames.js';

export interface Requester {
  /** Sends `frame` and resolves with the controller's reply; rejects after `retries` timeouts. */
  call(frame: Buffer): Promise<Buffer>;
  /** Releases the socket. */
  close(): Promise<void>;
}

export interface TransportOptions {
  address: string;
  port: number;
  serial: number;
  timeoutMs: number;
  /** Further attempts after a timeout (every request used here is safe to repeat: put-card is an upsert). */
  retries: number;
  /** A frame that came back but is not the reply (wrong serial or function, short, bad start, wrong sender). */
  refused(problem: FrameProblem | 'wrong-sender', bytes: number): void;
}

const fnName = (fn: number) => `0x${fn.toString(16).padStart(2, '0')}`;

/**
 * Runs `attempt` up to 1 + `retries` times, each bounded by `timeoutMs`; `timedOut` runs after each
 * timeout, before anything else is sent.
 */
async function withRetries(o: TransportOptions, frame: Buffer, attempt: (signal: AbortSignal) => Promise<Buffer>, timedOut: () => Promise<void> = async () => {}): Promise<Buffer> {
  for (let i = 0; ; i++) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), o.timeoutMs);
    try {
      return await attempt(ctl.signal);
    } catch (err) {
      if (ctl.signal.aborted) await timedOut();
      if (!ctl.signal.aborted || i >= o.retries) {
        const why = ctl.signal.aborted ? `no reply within ${o.timeoutMs} ms, ${o.retries + 1} attempts` : (err as Error).message;
        throw new Error(`controller ${o.serial} at ${o.address}:${o.port} did not answer function ${fnName(frame[1] as number)}: ${why}`, { cause: err });
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/** One request at a time, in order: a reply is matched to the only request in flight. */
function serialised(call: (frame: Buffer) => Promise<Buffer>): (frame: Buffer) => Promise<Buffer> {
  let queue: Promise<unknown> = Promise.resolve();
  return (frame) => {
    const done = queue.then(() => call(frame));
    queue = done.catch(() => {});
    return done;
  };
}

/**
 * Requests over UDP from a socket of their own (events arrive on the listener's socket, not here). The
 * frames carry no request id, so after a timeout the socket is replaced: a late reply then reaches a
 * closed port instead of being taken as the answer to the next request (a put-card "ok" for a card the
 * board never got).
 */
export async function udpRequester(udp: UdpNetwork, o: TransportOptions): Promise<Requester> {
  let waiting: { fn: number; resolve: (b: Buffer) => void } | null = null;
  const open = () =>
    udp.bind({ host: '0.0.0.0', port: 0, maxBytes: 1024 }, (d) => {
      if (!waiting) return; // a late reply to a request that already timed out
      const problem = d.address !== o.address ? 'wrong-sender' : frameProblem(d.bytes, waiting.fn, o.serial);
      if (problem) return o.refused(problem, d.bytes.length);
      waiting.resolve(d.bytes);
    });
  let socket: UdpSocket = await open();
  const renew = async () => {
    const old = socket;
    socket = await open();
    await old.close();
  };
  const call = serialised((frame) =>
    withRetries(
      o,
      frame,
      (signal) =>
        new Promise<Buffer>((resolve, reject) => {
          waiting = { fn: frame[1] as number, resolve };
          signal.addEventListener('abort', () => reject(new Error('timeout')), { once: true });
          socket.send(frame, o.port, o.address).catch(reject);
        }).finally(() => (waiting = null)),
      renew,
    ),
  );
  return { call, close: () => socket.close() };
}

/** Requests over TCP, one connection per request (controllers accept few connections and close idle ones). */
export function tcpRequester(o: TransportOptions): Requester {
  const call = serialised((frame) =>
    withRetries(o, frame, (signal) =>
      new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let got = 0;
        const sock = connect({ host: o.address, port: o.port });
        const fail = (err: Error) => {
          sock.destroy();
          reject(err);
        };
        signal.addEventListener('abort', () => fail(new Error('timeout')), { once: true });
        sock.on('error', fail);
        sock.on('connect', () => sock.write(frame));
        sock.on('data', (c: Buffer) => {
          chunks.push(c);
          got += c.length;
          if (got < FRAME_BYTES) return;
          sock.destroy();
          const reply = Buffer.concat(chunks).subarray(0, FRAME_BYTES);
          const problem = frameProblem(reply, frame[1] as number, o.serial);
          if (problem) {
            o.refused(problem, got);
            return reject(new Error(`refused reply (${problem})`));
          }
          resolve(reply);
        });
        sock.on('end', () => got < FRAME_BYTES && fail(new Error(`connection closed after ${got} bytes`)));
      }),
    ),
  );
  return { call, close: async () => {} };
}

/**
 * Tools of the LAN attacks in test/hardening/lan-*.test.ts: hand-built MQTT 3.1.1 packets (so a test can
 * declare a length it never sends), raw sockets that stream filler, and memory of the gateway child
 * process read from /proc.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** Remaining length in MQTT's variable-length encoding [MQTT 3.1.1 §2.2.3]. */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const str = (s: string): Buffer => Buffer.concat([u16(Buffer.byteLength(s)), Buffer.from(s)]);

/** A CONNECT (clean session, username and password) [MQTT-3.1]. */
export function connectPacket(o: { clientId: string; username: string; password: string; keepalive?: number }): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2]), u16(o.keepalive ?? 30), str(o.clientId), str(o.username), str(o.password)]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** The fixed header of a packet of `type` declaring `length` bytes, and nothing of its body. */
export const fixedHeader = (firstByte: number, length: number): Buffer => Buffer.concat([Buffer.from([firstByte]), remainingLength(length)]);

/** Memory of a process in MiB: resident now and its high-water mark (/proc/{pid}/status). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** Samples a process's resident memory every `everyMs` until stopped; `peak()` is the largest sample. */
export function sampleRss(pid: number, everyMs = 20): { peak: () => number; stop: () => number } {
  let peak = memoryOf(pid).rss;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, memoryOf(pid).rss);
    } catch {
      // the process ended; the last peak stands
    }
  }, everyMs);
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/** What happened to a raw socket that streamed filler. */
export interface StreamOutcome {
  /** Bytes handed to the kernel before the socket closed or the budget ran out. */
  written: number;
  /** The peer closed (or reset) the connection. */
  closedByPeer: boolean;
  /** Milliseconds from connect to the close (or to the end of the budget). */
  ms: number;
}

/** A raw TCP connection to the gateway's LAN port (optionally from another loopback address). */
export function connectRaw(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve(sock);
    });
  });
}

/**
 * Writes `head`, then filler in 64 KiB chunks until `budget` bytes are written or the peer closes. A
 * peer that keeps reading gets the whole budget (then `settleMs` to close it); the socket is then ours
 * to close.
 */
export async function streamFiller(sock: Socket, head: Buffer, budget: number, settleMs = 1000): Promise<StreamOutcome> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const started = Date.now();
  let closed = false;
  let written = 0;
  sock.on('error', () => undefined);
  sock.once('close', () => (closed = true));
  sock.write(head);
  while (!closed && written < budget) {
    const ok = sock.write(chunk);
    written += chunk.length;
    if (!ok) {
      await new Promise<void>((r) => {
        sock.once('drain', r);
        sock.once('close', r);
      });
    }
  }
  const until = Date.now() + settleMs;
  while (!closed && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const outcome = { written, closedByPeer: closed, ms: Date.now() - started };
  sock.destroy();
  return outcome;
}

/** Connects a raw socket, sends a CONNECT and resolves with the socket once the CONNACK accepted it. */
export async function rawLogin(port: number, o: { clientId: string; username: string; password: string }): Promise<Socket> {
  const sock = await connectRaw(port);
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.once('close', () => reject(new Error('closed before CONNACK')));
    sock.write(connectPacket(o));
    let got = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      got = Buffer.concat([got, d]);
      if (got.length < 4) return; // CONNACK is 4 bytes; TCP may deliver them in pieces
      sock.off('data', onData);
      if (got[0] === 0x20 && got[3] === 0) resolve(sock);
      else reject(new Error(`login refused: CONNACK ${got.subarray(0, 4).toString('hex')}`));
    };
    sock.on('data', onData);
  });
}

/** Polls `predicate` until true; fails with `what` after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sums `count` (1 when absent) of the gateway's JSON log lines with message `msg` and `reason`. */
export function loggedCount(output: string, msg: string, reason?: string): number {
  let n = 0;
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let rec: { msg?: string; reason?: string; count?: number };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      continue;
    }
    if (rec.msg === msg && (reason === undefined || rec.reason === reason)) n += rec.count ?? 1;
  }
  return n;
}

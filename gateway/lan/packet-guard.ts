/**
 * Packet size caps at the socket, in front of aedes (issue 8, finding 1). aedes reads a whole declared
 * packet before any hook runs: a CONNECT declaring 250 MB, then filler, was buffered in full (8 sockets:
 * 2 GiB RSS in 5.4 s, no password needed). This stream reads each MQTT fixed header as bytes arrive —
 * the packet type, then the remaining length in its variable-length encoding [MQTT 3.1.1 §2.2.3] — and
 * cuts the connection as soon as a declared length is over the cap, before aedes has buffered the body.
 * Chunks are passed on as they are (no copy); the scan only steps over packet bodies. It wraps any
 * Duplex, so plain TCP and TLS sockets alike.
 */
import { Duplex } from 'node:stream';

/** Why the guard cut a connection. */
export type GuardViolation = 'packet-too-large' | 'malformed-length' | 'pre-login-bytes';

export interface GuardLimits {
  /** Largest remaining length of a packet before login (the CONNECT, with its will and password). */
  beforeLogin: number;
  /** Most bytes a connection may send before it has logged in (a CONNECT and a few small packets). */
  beforeLoginTotal: number;
  /** Largest remaining length of a packet once logged in. */
  afterLogin: number;
}

/** What the guard saw when it cut a connection: the reason and the declared remaining length. */
export interface GuardRefusal {
  reason: GuardViolation;
  /** Packet type [MQTT 2.2.1] of the offending packet (0 when unknown). */
  packetType: number;
  /** Declared remaining length, or bytes read before login for `pre-login-bytes`. */
  bytes: number;
}

/** Walks fixed headers across chunk boundaries; keeps five numbers of state, never the bytes. */
class HeaderScanner {
  private bodyLeft = 0;
  private inLength = false;
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;

  /** Returns the first violation in `chunk`, or null. */
  scan(chunk: Buffer, limit: number): GuardRefusal | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++] as number;
      if (!this.inLength) {
        this.type = byte >> 4;
        this.inLength = true;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (byte & 0x80) {
        // At most four length bytes [MQTT 2.2.3]; a fifth continuation bit is a malformed packet.
        if (this.lengthBytes === 4) return { reason: 'malformed-length', packetType: this.type, bytes: this.length };
        continue;
      }
      if (this.length > limit) return { reason: 'packet-too-large', packetType: this.type, bytes: this.length };
      this.inLength = false;
      this.bodyLeft = this.length;
    }
    return null;
  }
}

/**
 * The socket as aedes sees it. `loggedIn()` raises the cap from the CONNECT's to the publishes'; the
 * caller says when (aedes `authenticate` succeeded).
 */
export class GuardedSocket extends Duplex {
  private readonly scanner = new HeaderScanner();
  private isLoggedIn = false;
  private readBeforeLogin = 0;

  constructor(
    /** The real connection (net.Socket or tls.TLSSocket). */
    readonly socket: Duplex & { remoteAddress?: string | undefined },
    private readonly limits: GuardLimits,
    private readonly onRefusal: (r: GuardRefusal) => void,
  ) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
    socket.on('drain', () => this.emit('socketDrain'));
  }

  /** Address of the peer, for the per-address caps and logs. */
  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  /** The connection logged in: packets up to `afterLogin` are let through from now on. */
  loggedIn(): void {
    this.isLoggedIn = true;
  }

  /** True once `loggedIn()` was called. */
  get isAuthenticated(): boolean {
    return this.isLoggedIn;
  }

  private onData(chunk: Buffer): void {
    if (this.destroyed) return;
    const refusal = this.scanner.scan(chunk, this.isLoggedIn ? this.limits.afterLogin : this.limits.beforeLogin);
    if (refusal) return this.refuse(refusal);
    if (!this.isLoggedIn) {
      this.readBeforeLogin += chunk.length;
      if (this.readBeforeLogin > this.limits.beforeLoginTotal) return this.refuse({ reason: 'pre-login-bytes', packetType: 0, bytes: this.readBeforeLogin });
    }
    if (!this.push(chunk)) this.socket.pause(); // aedes reads when it is ready; _read resumes
  }

  private refuse(r: GuardRefusal): void {
    this.socket.destroy();
    this.destroy();
    this.onRefusal(r);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.socket.write(chunk, encoding)) done();
    else this.once('socketDrain', () => done());
  }

  override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], done: (err?: Error | null) => void): void {
    let ok = true;
    // mqtt-packet writes a packet in pieces (a PUBACK is three) and corks us until the next tick; corked
    // here too, they leave in one writev instead of one write(2) each (issue 14: 20 % of the CPU at load).
    this.socket.cork();
    for (const { chunk, encoding } of chunks) ok = this.socket.write(chunk, encoding);
    this.socket.uncork();
    if (ok) done();
    else this.once('socketDrain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.socket.destroy();
    done(err);
  }
}

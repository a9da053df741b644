/**
 * Connections that have not logged in yet (issue 8, finding 1): capped in total and per source address,
 * and each given `timeoutMs` to log in — counted from the TCP accept, so a TLS handshake, a CONNECT that
 * never comes and a password check waiting its turn all count. aedes' own `connectTimeout` stops when
 * the CONNECT arrives, not when the login ends.
 */
import { delayMs } from '../kernel/timers.js';
import type { Socket } from 'node:net';

/** Why a connection was refused before login. */
export type PendingRefusal = 'too-many-pending' | 'too-many-pending-address' | 'login-timeout';

export interface PendingLimits {
  /** Connections not logged in, in total. */
  total: number;
  /** Connections not logged in, per source address. */
  perAddress: number;
  /** Time from accept to a successful login. */
  timeoutMs: number;
}

interface Entry {
  address: string;
  timer: NodeJS.Timeout;
}

/** `address|port` of a connection: the same for a TCP socket and the TLS socket over it. */
const endpoint = (s: { remoteAddress?: string | undefined; remotePort?: number | undefined }): string => `${s.remoteAddress ?? ''}|${s.remotePort ?? ''}`;

export class PendingLogins {
  private readonly entries = new Map<string, Entry>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: PendingLimits,
    private readonly onRefusal: (reason: PendingRefusal, address: string) => void,
  ) {}

  /** Connections waiting to log in now. */
  get size(): number {
    return this.entries.size;
  }

  /** Every accepted TCP connection comes here first; one over a cap is destroyed at once. */
  admit(raw: Socket): void {
    const address = raw.remoteAddress ?? 'unknown';
    const key = endpoint(raw);
    this.release(key); // a stale entry of an earlier connection from the same address and port
    const fromAddress = this.perAddress.get(address) ?? 0;
    const refused: PendingRefusal | null = this.entries.size >= this.limits.total ? 'too-many-pending' : fromAddress >= this.limits.perAddress ? 'too-many-pending-address' : null;
    if (refused) {
      raw.destroy();
      this.onRefusal(refused, address);
      return;
    }
    const timer = setTimeout(() => {
      this.release(key);
      raw.destroy();
      this.onRefusal('login-timeout', address);
    }, delayMs(this.limits.timeoutMs));
    timer.unref();
    this.entries.set(key, { address, timer });
    this.perAddress.set(address, fromAddress + 1);
    raw.once('close', () => this.release(key));
  }

  /** The connection at `socket`'s endpoint logged in: it no longer counts, and its timer stops. */
  loggedIn(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): void {
    this.release(endpoint(socket));
  }

  private release(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    clearTimeout(e.timer);
    this.entries.delete(key);
    const n = (this.perAddress.get(e.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(e.address, n);
    else this.perAddress.delete(e.address);
  }
}

/**
 * Password attempts per source address and per device (issue 8, finding 3): 400 concurrent bad logins
 * for one device made a good login take 24 s, scrypt running for every one. Each attempt takes a token
 * from its address's bucket and from its device's bucket; a login that succeeds gives them back. An
 * empty bucket refuses at once, without scrypt.
 *
 * The device bucket stops a guesser spread over many addresses. So that it cannot lock the real device
 * out, an address the device has logged in from before is not charged to it.
 */
import { TokenBucket } from './token-bucket.js';

/** Failed attempts one address may make at once, then one per 5 s. */
const ADDRESS = { burst: 10, perSec: 0.2 } as const;
/** Failed attempts against one device from addresses it never used, at once, then one per 2 s. */
const DEVICE = { burst: 20, perSec: 0.5 } as const;
/** Addresses remembered per device as known good. */
const TRUSTED_PER_DEVICE = 4;
/** Address buckets kept at most; an attacker choosing addresses must not grow this map without bound. */
const MAX_ADDRESSES = 4096;

/** Which bucket refused an attempt. */
export type ThrottleVerdict = 'address' | 'device' | null;

export class LoginThrottle {
  private readonly addresses = new Map<string, TokenBucket>();
  private readonly devices = new Map<string, TokenBucket>();
  private readonly trusted = new Map<string, string[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Charges one password attempt from `address` (for `device` when it is a configured device id;
   * unknown names get no bucket of their own). Null: go ahead and check the password.
   */
  attempt(address: string, device: string | undefined): ThrottleVerdict {
    const now = this.now();
    if (this.bucket(this.addresses, address, ADDRESS, now).take(now) < 0) return 'address';
    if (device === undefined || this.isTrusted(device, address)) return null;
    if (this.bucket(this.devices, device, DEVICE, now).take(now) < 0) {
      this.addresses.get(address)?.refund();
      return 'device';
    }
    return null;
  }

  /** The password was right: the attempt costs nothing and the address is known good for `device`. */
  succeeded(address: string, device: string): void {
    this.addresses.get(address)?.refund();
    if (this.isTrusted(device, address)) return;
    this.devices.get(device)?.refund();
    const list = [address, ...(this.trusted.get(device) ?? [])].slice(0, TRUSTED_PER_DEVICE);
    this.trusted.set(device, list);
  }

  private isTrusted(device: string, address: string): boolean {
    return this.trusted.get(device)?.includes(address) ?? false;
  }

  private bucket(map: Map<string, TokenBucket>, key: string, spec: { burst: number; perSec: number }, now: number): TokenBucket {
    let b = map.get(key);
    if (!b) {
      if (map.size >= MAX_ADDRESSES) prune(map, now);
      b = new TokenBucket(spec.perSec, spec.burst, now);
      map.set(key, b);
    }
    return b;
  }
}

/** Forgets full buckets; if none is full, the oldest entries (a Map keeps insertion order). */
function prune(map: Map<string, TokenBucket>, now: number): void {
  for (const [k, b] of map) if (b.isFull(now)) map.delete(k);
  for (const k of map.keys()) {
    if (map.size < MAX_ADDRESSES) break;
    map.delete(k);
  }
}

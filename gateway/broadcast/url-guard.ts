/**
 * Which addresses a notice's audio URL may reach (issue 8, #14a): a broadcast URL on 127.0.0.1, or a
 * redirect to another loopback port, was fetched, and the failure reply quoted the sha256 of the
 * internal page — a probe of the box's own services from the township side. Loopback, link-local,
 * unspecified and the box's own addresses are refused unless configured; the check runs on the
 * addresses DNS resolves to, at connect time, so a name cannot resolve to them either.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface UrlPolicy {
  /** Allow every local address (tests, or a sound server on the box itself). */
  allowLocal: boolean;
  /** `host` or `host:port` (as in the URL) allowed although they are local. */
  localHosts: readonly string[];
}

/** Why `address` is local (so refused), or null when it is an ordinary address. */
export function localAddressReason(address: string): string | null {
  const a = unmapped(address.toLowerCase());
  if (isIP(a) === 4) {
    const [x = 0, y = 0] = a.split('.').map(Number);
    if (x === 127) return 'loopback';
    if (x === 169 && y === 254) return 'link-local';
    if (x === 0) return 'unspecified';
  } else if (isIP(a) === 6) {
    if (a === '::1') return 'loopback';
    if (a === '::') return 'unspecified';
    if (/^fe[89ab][0-9a-f]:/.test(a)) return 'link-local';
  }
  if (ownAddresses().has(a)) return "one of this box's own addresses";
  return null;
}

/** An IPv4-mapped IPv6 address as its IPv4 form: `::ffff:127.0.0.1` and WHATWG URL's `::ffff:7f00:1`. */
function unmapped(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) return dotted[1] as string;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (!hex) return address;
  const [hi, lo] = [parseInt(hex[1] as string, 16), parseInt(hex[2] as string, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) own.add(i.address.toLowerCase().replace(/%.*$/, ''));
  return own;
}

/** The host[:port] of a URL as the allow-list names it. */
const hostKeys = (url: URL): string[] => [url.hostname.replace(/^\[|\]$/g, ''), url.host];

/** An error for `url` if policy refuses it before any connection (IP literals skip DNS), else null. */
export function refuseLiteral(url: URL, policy: UrlPolicy): string | null {
  if (policy.allowLocal || hostKeys(url).some((h) => policy.localHosts.includes(h))) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const reason = isIP(host) ? localAddressReason(host) : null;
  return reason && `${url.origin} is ${reason}`;
}

/** A `lookup` for node:http that fails when a resolved address is local (checked where it connects). */
export function guardedLookup(url: URL, policy: UrlPolicy): LookupFunction | undefined {
  if (policy.allowLocal || hostKeys(url).some((h) => policy.localHosts.includes(h))) return undefined;
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => localAddressReason(a.address));
      if (bad) {
        const refused = Object.assign(new Error(`${hostname} resolves to ${bad.address}, ${localAddressReason(bad.address)}`), { code: 'VGW_LOCAL_ADDRESS' });
        return callback(refused, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

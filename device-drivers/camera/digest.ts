/**
 * HTTP Digest access authentication (RFC 7616) for cameras: the client side that answers a camera's
 * challenge, and the verifier the fake camera uses. Only `qop=auth` (auth-int would hash streaming
 * bodies; no camera we met asks for it). MD5 and SHA-256, each also as `-sess` (RFC 7616 §3.4.2).
 * Our own code instead of a package: the maintained ones ride on global fetch/undici (+20–32 MiB,
 * research/protocols-and-footprint.md part B).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const DIGEST_ALGORITHMS = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'] as const;
/** An algorithm of RFC 7616 §3.4 that we speak. */
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** One challenge of a `WWW-Authenticate` header: its scheme and parameters (names lower-cased). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate` values (one header may hold several challenges, RFC 7235 §4.1). */
export function parseChallenges(values: readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const value of values) {
    let i = 0;
    let current: Challenge | null = null;
    const token = (): string => {
      const m = /^[\w!#$%&'*+.^`|~/-]+/.exec(value.slice(i));
      i += m ? m[0].length : 0;
      return m ? m[0] : '';
    };
    const skip = (chars: RegExp): void => {
      while (i < value.length && chars.test(value[i] as string)) i++;
    };
    while (i < value.length) {
      skip(/[\s,]/);
      const name = token();
      if (!name) break;
      skip(/\s/);
      if (value[i] !== '=') {
        current = { scheme: name.toLowerCase(), params: {} };
        out.push(current);
        continue;
      }
      i++;
      skip(/\s/);
      let v = '';
      if (value[i] === '"') {
        // A quoted string may hold commas and backslash escapes (RFC 7230 §3.2.6).
        for (i++; i < value.length && value[i] !== '"'; i++) v += value[i] === '\\' ? (value[++i] ?? '') : value[i];
        i++;
      } else v = token();
      if (current) current.params[name.toLowerCase()] = v;
    }
  }
  return out;
}

/** Parses an `Authorization: Digest ...` header into its parameters, or null for another scheme. */
export function parseAuthorization(header: string): Record<string, string> | null {
  const [c] = parseChallenges([header]);
  return c?.scheme === 'digest' ? c.params : null;
}

const hashName = (alg: DigestAlgorithm) => (alg.startsWith('SHA-256') ? 'sha256' : 'md5');
const h = (alg: DigestAlgorithm, s: string) => createHash(hashName(alg)).update(s, 'utf8').digest('hex');

/** The inputs of one digest `response` (RFC 7616 §3.4.1). */
export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  cnonce: string;
  /** Eight hex digits, as sent. */
  nc: string;
  method: string;
  uri: string;
}

/** The `response` value: KD(H(A1), nonce:nc:cnonce:qop:H(A2)) with qop=auth. */
export function digestResponse(i: DigestInput): string {
  let ha1 = h(i.algorithm, `${i.username}:${i.realm}:${i.password}`);
  if (i.algorithm.endsWith('-sess')) ha1 = h(i.algorithm, `${ha1}:${i.nonce}:${i.cnonce}`);
  const ha2 = h(i.algorithm, `${i.method}:${i.uri}`);
  return h(i.algorithm, `${ha1}:${i.nonce}:${i.nc}:${i.cnonce}:auth:${ha2}`);
}

/** `Authorization: Basic` value (RFC 7617); only sent when the camera offers nothing better. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/**
 * A client's digest state for one camera: the challenge it answers and the nonce count, which
 * increases with every request on the same nonce (RFC 7616 §3.4: the server may refuse a repeated nc).
 */
export class DigestSession {
  private nc = 0;

  private constructor(
    private readonly username: string,
    private readonly password: string,
    readonly algorithm: DigestAlgorithm,
    private readonly challenge: Record<string, string>,
  ) {}

  /**
   * The session for the best digest challenge we speak among `challenges` (SHA-256 before MD5, RFC
   * 7616 §3.7), or null when the camera offers no digest with qop=auth.
   */
  static from(challenges: readonly Challenge[], username: string, password: string): DigestSession | null {
    let best: { alg: DigestAlgorithm; params: Record<string, string> } | null = null;
    for (const c of challenges) {
      if (c.scheme !== 'digest' || !c.params.nonce) continue;
      const qop = (c.params.qop ?? '').split(',').map((q) => q.trim());
      if (!qop.includes('auth')) continue;
      const alg = (DIGEST_ALGORITHMS as readonly string[]).find((a) => a.toLowerCase() === (c.params.algorithm ?? 'MD5').toLowerCase()) as DigestAlgorithm | undefined;
      if (alg && (!best || DIGEST_ALGORITHMS.indexOf(alg) < DIGEST_ALGORITHMS.indexOf(best.alg))) best = { alg, params: c.params };
    }
    return best ? new DigestSession(username, password, best.alg, best.params) : null;
  }

  /** The `Authorization` header for `method uri`, with the next nc and a fresh cnonce. */
  authorize(method: string, uri: string, cnonce = randomBytes(12).toString('hex')): string {
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const { realm = '', nonce = '', opaque } = this.challenge;
    const response = digestResponse({ algorithm: this.algorithm, username: this.username, password: this.password, realm, nonce, cnonce, nc, method, uri });
    const parts = [`username=${quote(this.username)}`, `realm=${quote(realm)}`, `uri=${quote(uri)}`, `algorithm=${this.algorithm}`, `nonce=${quote(nonce)}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`, 'qop=auth', `response=${quote(response)}`];
    if (opaque !== undefined) parts.push(`opaque=${quote(opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}

/** What the verifier says of a request's `Authorization`: `stale` is a good answer on an expired nonce. */
export type Verdict = 'ok' | 'stale' | 'bad';

/**
 * The server side (the fake camera): issues nonces, checks responses and refuses a nonce count that
 * does not increase (a replay). `expireNonces` makes every nonce stale, as a camera does after a while.
 */
export class DigestVerifier {
  private readonly nonces = new Map<string, number>();
  private readonly expired = new Set<string>();

  constructor(private readonly o: { realm: string; algorithm: DigestAlgorithm; passwordOf: (user: string) => string | undefined }) {}

  /** A `WWW-Authenticate` value with a fresh nonce. */
  challenge(stale = false): string {
    const nonce = randomBytes(16).toString('base64');
    this.nonces.set(nonce, 0);
    return `Digest realm=${quote(this.o.realm)}, qop="auth", algorithm=${this.o.algorithm}, nonce=${quote(nonce)}, opaque="fake-camera"${stale ? ', stale=true' : ''}`;
  }

  /** Checks `authorization` of `method` (the uri is the one the client signed). */
  verify(method: string, authorization: string | undefined): Verdict {
    const p = authorization ? parseAuthorization(authorization) : null;
    if (!p?.username || !p.nonce || !p.nc || !p.cnonce || !p.uri || !p.response || p.qop !== 'auth') return 'bad';
    const password = this.o.passwordOf(p.username);
    if (password === undefined || p.realm !== this.o.realm || (p.algorithm ?? 'MD5') !== this.o.algorithm) return 'bad';
    const expect = digestResponse({ algorithm: this.o.algorithm, username: p.username, password, realm: this.o.realm, nonce: p.nonce, cnonce: p.cnonce, nc: p.nc, method, uri: p.uri });
    if (expect.length !== p.response.length || !timingSafeEqual(Buffer.from(expect), Buffer.from(p.response))) return 'bad';
    // A right answer on a nonce we no longer honour is stale: the client retries without asking the user (RFC 7616 §3.3).
    if (this.expired.has(p.nonce)) return 'stale';
    const last = this.nonces.get(p.nonce);
    if (last === undefined) return 'stale';
    const nc = parseInt(p.nc, 16);
    if (!(nc > last)) return 'bad';
    this.nonces.set(p.nonce, nc);
    return 'ok';
  }

  /** Every nonce issued so far is stale from now on. */
  expireNonces(): void {
    for (const n of this.nonces.keys()) this.expired.add(n);
    this.nonces.clear();
  }
}

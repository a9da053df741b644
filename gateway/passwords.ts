/**
 * Device passwords are kept as salted scrypt hashes (`scrypt$N$r$p$salt$hash`): a stolen config file
 * does not give away the village's device credentials.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

/**
 * Bounds of the cost parameters a stored hash may ask for (issue 8): scrypt needs 128·N·r bytes per
 * call, so N = 2^20 made eight logins take 2 GiB. 2^14..2^17 with r <= 16 keeps one call <= 256 MiB
 * at the very worst and 16 MiB for what `vgw passwd` writes.
 */
export const SCRYPT_LIMITS = { minLogN: 14, maxLogN: 17, maxR: 16, maxP: 4 } as const;

/** The parts of a stored hash. */
export interface ScryptHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Parses `scrypt$N$r$p$salt$hash`; null when it is not one. */
export function parseHash(stored: string): ScryptHash | null {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash || rest.length > 0) return null;
  const [nv, rv, pv] = [Number(n), Number(r), Number(p)];
  if (![nv, rv, pv].every((v) => Number.isSafeInteger(v) && v > 0)) return null;
  return { n: nv, r: rv, p: pv, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** Why a hash's cost is refused (it names only the cost parameters, never the salt or hash), or null. */
export function costProblem(h: Pick<ScryptHash, 'n' | 'r' | 'p'>): string | null {
  const { minLogN, maxLogN, maxR, maxP } = SCRYPT_LIMITS;
  const powerOfTwo = (h.n & (h.n - 1)) === 0;
  if (!powerOfTwo || h.n < 2 ** minLogN || h.n > 2 ** maxLogN) return `scrypt N=${h.n} must be a power of two from 2^${minLogN} to 2^${maxLogN}`;
  if (h.r > maxR) return `scrypt r=${h.r} must be at most ${maxR}`;
  if (h.p > maxP) return `scrypt p=${h.p} must be at most ${maxP}`;
  return null;
}

/**
 * One scrypt at a time, process-wide (issue 8): each call holds 128·N·r bytes (16 MiB for our hashes)
 * in libuv's pool, and four logins at once were the daemon's 160 MiB peak. Logins wait their turn; the
 * login throttle and the cap on pending logins keep the queue short.
 */
let running: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(job: () => Promise<T>): Promise<T> {
  const result = running.then(job, job);
  running = result.catch(() => undefined);
  return result;
}

function derive(password: string | Buffer, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await oneAtATime(() => derive(password, salt, N, R, P));
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * True when `password` matches `stored`. `cancelled` is asked when the call's turn comes: a login whose
 * connection closed while it waited costs no scrypt.
 */
export async function verifyPassword(password: string | Buffer, stored: string, cancelled: () => boolean = () => false): Promise<boolean> {
  const h = parseHash(stored);
  if (!h || costProblem(h)) return false; // config validation refuses these; never run an absurd cost
  const key = await oneAtATime(async () => (cancelled() ? null : derive(password, h.salt, h.n, h.r, h.p)));
  return key !== null && key.length === h.hash.length && timingSafeEqual(key, h.hash);
}

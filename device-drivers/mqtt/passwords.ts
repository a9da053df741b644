/**
 * Device passwords are kept as salted scrypt hashes (`scrypt$N$r$p$salt$hash`): a stolen config file
 * does not give away the village's device credentials.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';

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
  if (h.n > 2 ** 40 || (h.n & (h.n - 1)) !== 0) return `scrypt N=${h.n} is not a power of two`;
  if (h.n < 2 ** minLogN || h.n > 2 ** maxLogN) return `scrypt N=2^${Math.log2(h.n)} is outside 2^${minLogN} to 2^${maxLogN} (each login would need ${(128 * h.n * h.r) / 2 ** 20} MiB)`;
  if (h.r > maxR) return `scrypt r=${h.r} must be at most ${maxR}`;
  if (h.p > maxP) return `scrypt p=${h.p} must be at most ${maxP}`;
  return null;
}

/**
 * One scrypt at a time, process-wide, on one thread of its own (issue 8). Each call holds 128·N·r bytes
 * (16 MiB for our hashes); four logins at once were the daemon's 160 MiB peak. Queueing alone is not
 * enough on libuv's pool: glibc keeps a malloc arena per thread and each of the pool's four threads
 * kept its own 16 MiB after its first scrypt (+64 MiB measured for 12 calls in a row). A worker
 * thread running `scryptSync` costs ~9 MiB once plus one 16 MiB arena, and keeps the event loop free.
 * Logins wait their turn; the login throttle and the cap on pending logins keep the queue short.
 */
let running: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(job: () => Promise<T>): Promise<T> {
  const result = running.then(job, job);
  running = result.catch(() => undefined);
  return result;
}

/** The worker's code: plain CommonJS, so it runs the same under tsx and compiled. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ key: scryptSync(m.password, m.salt, m.keylen, { N: m.n, r: m.r, p: m.p, maxmem: 128 * m.n * m.r * 2 }) });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
});`;

let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;

/**
 * How long the scrypt thread outlives its last call (issue 14). Logins come in bursts (devices at
 * start or after a LAN outage), then not for hours: a thread kept that long holds ~9 MiB of isolate
 * for nothing, and starting one again costs ~30 ms next to a ~60 ms scrypt.
 */
const IDLE_MS = 10_000;
let idleMs = IDLE_MS;

/** Tests: how long the thread stays after its last call (default 10 s). */
export function setScryptIdleMs(ms: number): void {
  idleMs = ms;
}

/** Whether the scrypt thread is running now. */
export function scryptThreadRunning(): boolean {
  return worker !== null;
}

/** Ends the thread once no call came for `idleMs`; the next call starts a new one. */
function endWhenIdle(w: Worker): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (worker === w) worker = null;
    void w.terminate();
  }, idleMs);
  idleTimer.unref();
}

/** The scrypt thread, started on first use; unref'd so it never keeps a CLI process alive. */
function scryptWorker(): Worker {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (worker) return worker;
  // execArgv: [] — otherwise the worker would load the TypeScript loader again (+30 MiB).
  const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
  w.unref();
  w.once('exit', () => {
    if (worker === w) worker = null;
  });
  worker = w;
  return w;
}

/** Runs one scrypt on the worker; callers hold the `oneAtATime` turn, so one message is in flight. */
function derive(password: string | Buffer, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const w = scryptWorker();
  return new Promise((resolve, reject) => {
    const onExit = (code: number): void => reject(new Error(`scrypt worker exited (${code})`));
    w.once('exit', onExit);
    w.once('message', (m: { key?: Uint8Array; error?: string }) => {
      w.off('exit', onExit);
      endWhenIdle(w);
      if (m.key) resolve(Buffer.from(m.key.buffer, m.key.byteOffset, m.key.byteLength));
      else reject(new Error(`scrypt failed: ${m.error ?? 'unknown'}`));
    });
    w.postMessage({ password, salt, keylen: KEYLEN, n, r, p });
  });
}

/** A new salted hash of `password`, in the form `vgw passwd` prints. */
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

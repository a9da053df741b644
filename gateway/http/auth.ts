/**
 * The token the LAN HTTP server asks for: `Authorization: Bearer TOKEN`, or Basic with
 * `http.auth.username` and the token as password (what a phone's browser prompts for). The config holds
 * only its SHA-256 or a 0600 file's path; the token is random, so a fast hash is enough (no dictionary
 * to try), and comparing digests with timingSafeEqual leaks nothing of it through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../kernel/errors.js';
import type { HttpConfig } from './config.js';

/** Shortest token accepted from `tokenFile` (a guessable one would make the hash pointless). */
export const MIN_TOKEN_CHARS = 20;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Checks a request's credentials; built once from the config (reading the token file then). */
export function tokenCheck(auth: NonNullable<HttpConfig['auth']>): (req: IncomingMessage) => boolean {
  let digest: Buffer;
  if (auth.tokenFile !== undefined) {
    let token: string;
    try {
      token = readFileSync(auth.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new GatewayError('VGW_CONFIG_INVALID', `http.auth.tokenFile: cannot read "${auth.tokenFile}" (${(err as NodeJS.ErrnoException).code ?? 'error'}); create it with: openssl rand -hex 24 > ${auth.tokenFile} && chmod 600 ${auth.tokenFile}`, false);
    }
    if (token.length < MIN_TOKEN_CHARS) {
      throw new GatewayError('VGW_CONFIG_INVALID', `http.auth.tokenFile: the token in "${auth.tokenFile}" is shorter than ${MIN_TOKEN_CHARS} characters; write a random one: openssl rand -hex 24 > ${auth.tokenFile}`, false);
    }
    digest = sha256(token);
  } else {
    digest = Buffer.from(auth.tokenSha256 ?? '', 'hex');
  }
  return (req) => {
    const given = presented(req.headers.authorization, auth.username);
    return given !== null && timingSafeEqual(sha256(given), digest);
  };
}

/** The token in an Authorization header (Bearer, or Basic with the right user), or null. */
function presented(header: string | undefined, username: string): string | null {
  if (!header) return null;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && decoded.slice(0, colon) === username ? decoded.slice(colon + 1) : null;
}

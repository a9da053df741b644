/**
 * Ed25519 command signatures (contract, "Command authentication"): the operator signs the exact UTF-8
 * bytes of the command JSON; the envelope carries them as a string so no re-serialisation can change
 * what was signed.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { GatewayError } from './errors.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 raw key bytes follow it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface SignedEnvelope {
  cmd: string;
  kid: string;
  sig: string;
}

/** Base64 of exactly 32 bytes: Buffer.from(..., 'base64') skips stray characters, so check the text itself. */
const RAW_KEY = /^[A-Za-z0-9+/]{43}=$/;

/** Accepts PEM or base64 of the 32 raw bytes. */
export function loadPublicKey(text: string): KeyObject {
  try {
    const raw = text.trim();
    if (!text.includes('BEGIN') && !RAW_KEY.test(raw)) throw new Error(`${raw.length} characters, not the 44 of base64 of 32 key bytes`);
    if (text.includes('PRIVATE KEY')) throw new Error('a private key: never put it on the box');
    const key = text.includes('BEGIN')
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(raw, 'base64')]), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
    return key;
  } catch (err) {
    throw new GatewayError('VGW_KEY_INVALID', `not an Ed25519 public key (${(err as Error).message}); paste the "publicKey" line that \`vgw keygen\` printed`, false, { cause: err });
  }
}

export function rawPublicKey(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length).toString('base64');
}

export function generateOperatorKey(): { privatePem: string; publicPem: string; publicRaw: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicRaw: rawPublicKey(publicKey),
  };
}

export function signCommand(command: object, kid: string, privatePem: string): SignedEnvelope {
  const cmd = JSON.stringify(command);
  const sig = sign(null, Buffer.from(cmd, 'utf8'), createPrivateKey(privatePem)).toString('base64');
  return { cmd, kid, sig };
}

export function verifyCommand(envelope: SignedEnvelope, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(envelope.cmd, 'utf8'), key, Buffer.from(envelope.sig, 'base64'));
  } catch {
    return false;
  }
}

/**
 * The per-gateway access secret (issue 10): a random key in a 0600 file under the data dir. It keys the
 * credential hashes (HMAC-SHA256), so events, logs and records carry a value that identifies a card or
 * PIN on this box without revealing it, and it seals the card numbers the door controllers need.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Credential, CredentialMethod, MaskedCredential } from '../../device-drivers/access.js';
import { GatewayError } from '../kernel/errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The form a credential is compared in: a card number as readers differ in leading zeros ("0006154410"
 * and "6154410" are one card), anything else as given.
 */
export function normalizeValue(method: CredentialMethod, value: string): string {
  if (method === 'card' && /^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, '');
  return value;
}

/** The card number a controller stores (uint32), or null when the card's value is not one. */
export function controllerCardNumber(value: string): number | null {
  if (!/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && n <= 0xffff_ffff ? n : null;
}

export class AccessSecret {
  private readonly hashKey: Buffer;
  private readonly sealKey: Buffer;

  private constructor(master: Buffer) {
    // Two keys from one secret: a hash never helps to open a sealed card number, nor the reverse.
    this.hashKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'vgw access credential hash', KEY_BYTES));
    this.sealKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'vgw access card seal', KEY_BYTES));
  }

  /** Reads the secret from `file`, or writes a new one there (mode 0600) when it does not exist. */
  static load(file: string): AccessSecret {
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    }
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) {
      throw new GatewayError('VGW_CONFIG_INVALID', `access.secretFile ${file} does not hold a 64-hex-digit secret; restore it from a backup, or delete it to start a new one (then send a full access.sync: the old hashes no longer match)`);
    }
    chmodSync(file, 0o600);
    return new AccessSecret(Buffer.from(text, 'hex'));
  }

  /** The HMAC of a credential (hex), the key the whitelist is looked up by. */
  hash(method: CredentialMethod, value: string): string {
    return createHmac('sha256', this.hashKey).update(`${method}:${normalizeValue(method, value)}`).digest('hex');
  }

  /** The credential as events, logs and records show it. */
  mask(credential: Credential): MaskedCredential {
    const value = normalizeValue(credential.method, credential.value);
    return { method: credential.method, hash: this.hash(credential.method, value), last2: value.slice(-2) };
  }

  /** Seals a card number for the database (AES-256-GCM): iv, tag, ciphertext. */
  sealCard(card: number): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const plain = Buffer.alloc(4);
    plain.writeUInt32LE(card);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** Opens a sealed card number; throws when it was sealed with another secret or altered. */
  openCard(sealed: Buffer): number {
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).readUInt32LE();
  }
}

/**
 * Password hashes in the formats township brokers read, made from the gateway's uplink password:
 * Mosquitto 2's password file (`$7$`: PBKDF2-SHA512, 101 iterations, 12-byte salt, 64-byte key, both
 * base64 — what `mosquitto_passwd` writes) and EMQX's built-in database (PBKDF2-SHA512, hex).
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';

/** Mosquitto 2's defaults for `$7$` (mosquitto_passwd: PW_DEFAULT_ITERATIONS, SALT_LEN). */
const MOSQUITTO = { iterations: 101, saltBytes: 12, keyBytes: 64 };
/** EMQX's default PBKDF2 iteration count for the built-in database. */
export const EMQX_ITERATIONS = 4096;

/** `$7$101$salt$hash` for a Mosquitto `password_file` line. */
export function mosquittoHash(password: string, salt: Buffer = randomBytes(MOSQUITTO.saltBytes)): string {
  const key = pbkdf2Sync(password, salt, MOSQUITTO.iterations, MOSQUITTO.keyBytes, 'sha512');
  return `$7$${MOSQUITTO.iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Hex hash and salt for EMQX's `import_users` (authenticator: pbkdf2, mac_fun sha512, `EMQX_ITERATIONS`). */
export function emqxHash(password: string, salt: Buffer = randomBytes(16)): { password_hash: string; salt: string } {
  const saltHex = salt.toString('hex');
  // EMQX salts with the salt string as stored, so the hex text is the salt.
  return { password_hash: pbkdf2Sync(password, saltHex, EMQX_ITERATIONS, 64, 'sha512').toString('hex'), salt: saltHex };
}

/** `vgw passwd`: the salted hash installers paste into a device's `passwordHash`. */
import { hashPassword } from '../../gateway/passwords.js';

export async function passwd(password?: string): Promise<void> {
  let secret = password;
  if (secret === undefined) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (secret.length < 8) throw new Error('a device password needs at least 8 characters');
  process.stdout.write(`${await hashPassword(secret)}\n`);
}

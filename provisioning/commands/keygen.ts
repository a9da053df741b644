/** `vgw keygen`: an operator's Ed25519 key pair; the private half never leaves the operator's machine. */
import { writeFileSync } from 'node:fs';
import { generateOperatorKey } from '../../gateway/commands/signing.js';

export function keygen(o: { kid: string; out: string; roles: string }): void {
  const key = generateOperatorKey();
  writeFileSync(o.out, key.privatePem, { mode: 0o600, flag: 'wx' });
  const roles = o.roles.split(',').map((r) => r.trim()).filter(Boolean);
  process.stdout.write(
    `private key written to ${o.out} (keep it secret)\n\nadd to every gateway's config under commands.operators:\n` +
      `  - kid: ${o.kid}\n    publicKey: ${key.publicRaw}\n    roles: [${roles.join(', ')}]\n`,
  );
}

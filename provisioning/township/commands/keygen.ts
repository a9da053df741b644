/** `vgw keygen`: an operator's Ed25519 key pair; the private half never leaves the operator's machine. */
import { writeFileSync } from 'node:fs';
import { generateOperatorKey } from '../../../gateway/kernel/signing.js';
import { CliError } from '../../commands/cli-error.js';

export function keygen(o: { kid: string; out: string; roles: string }): void {
  const key = generateOperatorKey();
  try {
    writeFileSync(o.out, key.privatePem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Never overwrite: the old key may be the one every gateway trusts.
    if (code === 'EEXIST') throw new CliError(`--out ${o.out} exists already and keygen never overwrites a key; choose another --out file, or move the old key away first`, 2, { cause: err });
    throw new CliError(`cannot write --out ${o.out}: ${code ?? (err as Error).message}; choose a file in a directory that exists and you can write`, 2, { cause: err });
  }
  const roles = o.roles.split(',').map((r) => r.trim()).filter(Boolean);
  process.stdout.write(
    `private key written to ${o.out} (keep it secret)\n\nadd to every gateway's config under commands.operators:\n` +
      `  - kid: ${o.kid}\n    publicKey: ${key.publicRaw}\n    roles: [${roles.join(', ')}]\n`,
  );
}

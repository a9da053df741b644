/** `vgw passwd`: the salted hash installers paste into a device's `passwordHash`. */
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { CliError } from './cli-error.js';
import { readHidden, type TtyInput } from './hidden-prompt.js';

const MIN_LENGTH = 8;

/** On a terminal: asked twice without echo; otherwise the first line of stdin (a pipe, a file). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const input = process.stdin as unknown as TtyInput;
    const first = await readHidden('device password (not shown): ', input, process.stderr);
    if (first.length < MIN_LENGTH) return first;
    const again = await readHidden('the same password again: ', input, process.stderr);
    if (again !== first) throw new CliError('the two passwords differ; run vgw passwd again and type the same password twice', 2);
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function passwd(password?: string): Promise<void> {
  const secret = password ?? (await readPassword());
  if (secret.length < MIN_LENGTH) {
    const what = secret.length === 0 ? 'no password given' : `the password has ${secret.length} characters`;
    throw new CliError(`${what}; a device password needs at least ${MIN_LENGTH}: vgw passwd 'long-device-password', or type it at the prompt`, 2);
  }
  process.stdout.write(`${await hashPassword(secret)}\n`);
}

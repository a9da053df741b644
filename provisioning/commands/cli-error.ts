/**
 * A mistake a person makes at the keyboard or in a file (a short password, a key file that exists, a
 * broker that refuses the login): `vgw` prints it as one line — the cause and the fix — and exits
 * non-zero, never with a stack trace (issue 8, finding 24). Stack traces stay for real bugs.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** The process exit code: 1 for a refusal or failure, 2 for a usage mistake. */
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

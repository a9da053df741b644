/**
 * Questions for the installer commands (`vgw init`, `vgw test`): asked on stderr, answered on stdin —
 * a terminal or a pipe, one line per answer. A secret is read without echo on a terminal (hidden-prompt.ts).
 */
import { createInterface, type Interface } from 'node:readline';
import { CliError } from './cli-error.js';
import { readHidden, type TtyInput } from './hidden-prompt.js';

/** Reads one answer per question. */
export interface Prompter {
  /** The typed line, trimmed; `fallback` when it is empty. Rejects when stdin has ended. */
  ask(question: string, fallback?: string): Promise<string>;
  /** Like `ask`, without echo on a terminal. */
  secret(question: string): Promise<string>;
  close(): void;
}

/** A prompter on this process's stdin and stderr; `endedMessage` is the failure when stdin ends early. */
export function stdinPrompter(endedMessage: string): Prompter {
  let rl: Interface | null = null;
  let lines: AsyncIterator<string> | null = null;
  const next = async (): Promise<string> => {
    rl ??= createInterface({ input: process.stdin, terminal: false });
    lines ??= rl[Symbol.asyncIterator]();
    const r = await lines.next();
    if (r.done) throw new CliError(endedMessage, 2);
    return r.value;
  };
  return {
    async ask(question, fallback) {
      process.stderr.write(fallback ? `${question} [${fallback}]: ` : `${question}: `);
      const answer = (await next()).trim();
      return answer || fallback || '';
    },
    async secret(question) {
      if (process.stdin.isTTY) {
        // The line reader lets the terminal echo; the hidden prompt reads in raw mode alone (the next ask makes a new reader).
        rl?.close();
        rl = null;
        lines = null;
        return readHidden(`${question}: `, process.stdin as unknown as TtyInput, process.stderr);
      }
      process.stderr.write(`${question}: `);
      return (await next()).trim();
    },
    close: () => rl?.close(),
  };
}

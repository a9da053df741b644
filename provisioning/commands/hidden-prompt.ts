/**
 * A prompt that does not echo what is typed, for `vgw passwd` on a terminal: the password never shows
 * on the screen or in a terminal recording. The terminal is put in raw mode for the answer only.
 */
import { CliError } from './cli-error.js';

/** The parts of a TTY stream the prompt uses (process.stdin on a terminal). */
export interface TtyInput extends NodeJS.ReadableStream {
  setRawMode(raw: boolean): unknown;
}

/** Asks `question` on `output` and resolves the typed line; Ctrl-C or Ctrl-D rejects with a CliError. */
export function readHidden(question: string, input: TtyInput, output: NodeJS.WritableStream): Promise<string> {
  // Raw (no echo) before the prompt shows, so nothing typed in answer to it is ever echoed.
  input.setRawMode(true);
  output.write(question);
  input.resume();
  let typed = '';
  return new Promise<string>((resolve, reject) => {
    const finish = (err: Error | null): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(null);
        // Ctrl-C and Ctrl-D: raw mode turns them into bytes instead of signals.
        if (ch === '\u0003' || ch === '\u0004') return finish(new CliError('cancelled; no hash printed', 130));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}

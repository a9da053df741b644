/** Ordered steps with time limits (style rule 2): a hung step cannot hold the whole stop hostage. */
import type { Logger } from 'pino';
import { GatewayError } from './kernel/errors.js';

export async function step<T>(log: Logger, name: string, ms: number, run: () => Promise<T> | T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  try {
    const result = await Promise.race([
      Promise.resolve().then(run),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new GatewayError('VGW_STOP_TIMEOUT', `${name} took longer than ${ms} ms`, true)), ms);
      }),
    ]);
    log.debug({ step: name, ms: Date.now() - started }, 'lifecycle step done');
    return result;
  } finally {
    clearTimeout(timer);
  }
}

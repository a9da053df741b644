/** Waiting in tests: real time, short steps, a clear failure. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries `check` (which throws while not yet true) until it passes or `timeoutMs` is over. The default
 * deadline is generous: stand-in gpiod tools are child processes, and with the whole suite on 2 cores a
 * spawn took over 5 s once in CI. Passing checks return at once; only a real failure waits it out.
 */
export async function eventually(check: () => void, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(5);
    }
  }
}

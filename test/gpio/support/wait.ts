/** Waiting in tests: real time, short steps, a clear failure. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `check` (which throws while not yet true) until it passes or `timeoutMs` is over. */
export async function eventually(check: () => void, timeoutMs = 5000): Promise<void> {
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

/**
 * Waiting in tests on a condition, with a deadline and a message naming what was awaited (never a fixed
 * sleep where a condition exists). `get` may be async; the first truthy value it gives is returned.
 */
export async function until<T>(what: string, get: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

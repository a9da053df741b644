/** Small helpers of the camera loops: an abortable wait and a bounded set of recent keys. */

/** Waits `ms`, or less when `signal` aborts (never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The last `cap` keys seen: tells a notification repeated across a reconnect from a new one. */
export class Recent {
  private readonly keys = new Set<string>();
  constructor(private readonly cap = 256) {}

  /** Whether `key` was seen before; remembers it either way. */
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.cap) this.keys.delete(this.keys.values().next().value as string);
    return false;
  }
}

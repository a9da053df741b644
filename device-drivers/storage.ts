/**
 * The narrow storage port a driver gets (issue 9): its own key-value store, namespaced by device id, kept
 * in the gateway's database (the door whitelist, a camera's last snapshot id). Synchronous like SQLite.
 */
export interface DeviceStorage {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  /** Every key of this device, sorted. */
  keys(): string[];
}

/** A store in memory, for tests and tools that mount a driver without a database. */
export function memoryStorage(): DeviceStorage {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
    keys: () => [...map.keys()].sort(),
  };
}

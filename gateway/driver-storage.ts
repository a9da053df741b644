/** The drivers' storage port (device-drivers/storage.ts) on the gateway's database: one namespace per device. */
import type { Db } from '../cloud-bridge/db.js';
import type { DeviceStorage } from '../device-drivers/storage.js';

/** `device`'s own keys in the `device_kv` table (migration 6). */
export function deviceStorage(db: Db, device: string): DeviceStorage {
  const get = db.prepare('SELECT value FROM device_kv WHERE device = ? AND key = ?');
  const set = db.prepare('INSERT INTO device_kv (device, key, value) VALUES (?, ?, ?) ON CONFLICT (device, key) DO UPDATE SET value = excluded.value');
  const del = db.prepare('DELETE FROM device_kv WHERE device = ? AND key = ?');
  const keys = db.prepare('SELECT key FROM device_kv WHERE device = ? ORDER BY key');
  return {
    get: (key) => (get.get(device, key) as { value: string } | undefined)?.value,
    set: (key, value) => void set.run(device, key, value),
    delete: (key) => void del.run(device, key),
    keys: () => (keys.all(device) as { key: string }[]).map((r) => r.key),
  };
}

/**
 * One GPIO line through sysfs for `vgw test`, read and written as files: the self-test polls the value
 * file, so it sees changes with or without the daemon (which may hold the line exported), and needs no
 * edge interrupt. The BCM number is resolved through the chip base (sysfs-pins.ts, field-notes: 512 on
 * a Pi 4, 571 on a Pi 5).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sysfsNumber } from '../../device-drivers/gpio/sysfs-pins.js';

/** How often an input's value file is read. */
export const POLL_MS = 20;

/** A line exported (when not already), as an input or an output at a level (one the daemon holds is kept). */
export async function openLine(root: string, bcm: number, direction: 'in' | 'low' | 'high'): Promise<{ read(): 0 | 1; write(v: 0 | 1): void }> {
  const n = sysfsNumber(root, bcm);
  const dir = join(root, `gpio${n}`);
  if (!existsSync(dir)) {
    writeFileSync(join(root, 'export'), String(n));
    // udev gives the new files their group a moment after the export.
    const until = Date.now() + 2000;
    while (!existsSync(join(dir, 'value')) && Date.now() < until) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // "low"/"high" make an output at that level at once: plain "out" starts low, which energises an active-low relay.
  const now = readFileSync(join(dir, 'direction'), 'utf8').trim();
  if (now !== direction && !(now === 'out' && direction !== 'in')) writeFileSync(join(dir, 'direction'), direction);
  const value = join(dir, 'value');
  return {
    read: () => (readFileSync(value, 'utf8').trim() === '1' ? 1 : 0),
    write: (v) => writeFileSync(value, String(v)),
  };
}

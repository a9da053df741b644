/**
 * BCM pin → sysfs GPIO number, read from `/sys/class/gpio/gpiochipN/{base,label,ngpio}` (field-notes:
 * never hard-code a base; 0 on old kernels, 512 on a Pi 4 and 571 on a Pi 5 with kernels ≥ 6.6).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gpioError } from './gpio.js';
import { headerChip, type ChipInfo } from './header-chip.js';

export const SYSFS_GPIO = '/sys/class/gpio';

/** Why sysfs GPIO cannot be used at `root`, with the fix; `null` when it exists. */
export function sysfsMissing(root: string): string | null {
  if (existsSync(root)) return null;
  return `${root} does not exist: this kernel has no sysfs GPIO (CONFIG_GPIO_SYSFS; newer Raspberry Pi 5 kernels drop it); install the gpiod tools (apt-get install gpiod) so the gateway drives the pins through the character device`;
}

export function sysfsChips(root: string): ChipInfo[] {
  const missing = sysfsMissing(root);
  if (missing) throw gpioError(missing);
  const read = (dir: string, file: string) => readFileSync(join(root, dir, file), 'utf8').trim();
  return readdirSync(root)
    .filter((d) => d.startsWith('gpiochip'))
    .sort()
    .map((d) => ({ name: d, label: read(d, 'label'), base: Number(read(d, 'base')), lines: Number(read(d, 'ngpio')) }));
}

/** The sysfs number of BCM pin `bcm`: the header chip's base plus the BCM number. */
export function sysfsNumber(root: string, bcm: number): number {
  const chip = headerChip(sysfsChips(root), bcm, root);
  return (chip.base as number) + bcm;
}

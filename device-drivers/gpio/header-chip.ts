/**
 * Which GPIO chip carries the 40-pin header's BCM lines. Installers name BCM pins; the kernel numbers
 * lines per chip, and Raspberry Pi OS kernels since 6.6 give the chip a sysfs base that is not 0 (512
 * seen on a Pi 4, 571 on a Pi 5, other values elsewhere), so the chip is found by its label, never by
 * an assumed base or number.
 */
import { gpioError } from './gpio.js';

/** Header chips by label, most specific first: Pi 5 (RP1), Pi 4, Pi 0–3. */
export const HEADER_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;

export interface ChipInfo {
  /** `gpiochip4` (sysfs directory name, or character device name). */
  name: string;
  label: string;
  /** Number of lines. */
  lines: number;
  /** First sysfs GPIO number of the chip (sysfs only). */
  base?: number;
}

/** The header chip among `chips`, checked to have line `bcm`; otherwise an error that lists what was found. */
export function headerChip(chips: readonly ChipInfo[], bcm: number, where: string): ChipInfo {
  const found = chips.map((c) => `${c.name} "${c.label}"${c.base === undefined ? '' : ` base ${c.base}`} (${c.lines} lines)`).join(', ') || 'none';
  const chip = HEADER_LABELS.map((label) => chips.find((c) => c.label === label)).find((c) => c !== undefined);
  if (!chip) {
    throw gpioError(`GPIO ${bcm}: no Raspberry Pi header chip (label ${HEADER_LABELS.join(', ')}) in ${where}; found: ${found}. This board is not a supported Raspberry Pi, or its pinctrl driver is not loaded`);
  }
  if (!Number.isInteger(bcm) || bcm < 0 || bcm >= chip.lines) {
    throw gpioError(`GPIO ${bcm}: ${chip.name} "${chip.label}" has lines 0-${chip.lines - 1}; use the BCM number printed on the pinout (pinout.xyz), not the physical pin number`);
  }
  return chip;
}

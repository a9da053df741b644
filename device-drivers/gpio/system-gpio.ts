/**
 * The daemon's GPIO: picks the backend that can reach the pins, on first use (a gateway without GPIO
 * devices never probes). onoff over sysfs first, the gpiod tools on the character device where sysfs is
 * gone; when neither works, every pin fails with the reasons and fixes of both, and the gateway runs on
 * without the GPIO devices.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from 'pino';
import { chardevBackend } from './chardev-backend.js';
import { debouncedGpio } from './debounce.js';
import { unavailableGpio, type Gpio } from './gpio.js';
import { headerChip } from './header-chip.js';
import { onoffBackend } from './onoff-backend.js';
import { SYSFS_GPIO, sysfsChips } from './sysfs-pins.js';

export interface SystemGpioOptions {
  log: Logger;
  sysfsRoot?: string;
  devDir?: string;
  env?: NodeJS.ProcessEnv;
}

const GROUP_FIX = 'add the gateway user to the gpio group (sudo usermod -aG gpio <user>) and restart the service';

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** Why onoff cannot use sysfs at `root`, or null when it can. */
function sysfsProblem(root: string): string | null {
  try {
    headerChip(sysfsChips(root), 0, root);
  } catch (err) {
    return (err as Error).message;
  }
  return writable(join(root, 'export')) ? null : `${join(root, 'export')} is not writable: ${GROUP_FIX}`;
}

/** Why the gpiod tools cannot reach a GPIO character device, or null when they can. */
function chardevProblem(devDir: string, env: NodeJS.ProcessEnv): string | null {
  const onPath = (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'gpiomon')));
  if (!onPath) return 'gpiomon is not installed: install the gpiod tools (sudo apt-get install gpiod)';
  const chips = existsSync(devDir) ? readdirSync(devDir).filter((f) => /^gpiochip\d+$/.test(f)) : [];
  if (chips.length === 0) return `no ${join(devDir, 'gpiochip*')}: this kernel exposes no GPIO character device (is this a Raspberry Pi?)`;
  return chips.some((c) => writable(join(devDir, c))) ? null : `${join(devDir, chips[0] as string)} is not accessible: ${GROUP_FIX}`;
}

/** Why no backend can reach the pins (the reasons and fixes of both), or null when one can; `vgw check` asks this. */
export function gpioProblem({ sysfsRoot = SYSFS_GPIO, devDir = '/dev', env = process.env }: Omit<SystemGpioOptions, 'log'> = {}): string | null {
  const sysfs = sysfsProblem(sysfsRoot);
  const chardev = sysfs ? chardevProblem(devDir, env) : null;
  return sysfs && chardev ? `sysfs (onoff): ${sysfs}. character device (gpiod): ${chardev}` : null;
}

export function systemGpio({ log, sysfsRoot = SYSFS_GPIO, devDir = '/dev', env = process.env }: SystemGpioOptions): Gpio {
  let chosen: Gpio | null = null;
  const choose = (): Gpio => {
    if (chosen) return chosen;
    const sysfs = sysfsProblem(sysfsRoot);
    const chardev = sysfs ? chardevProblem(devDir, env) : null;
    if (!sysfs) chosen = debouncedGpio(onoffBackend({ sysfsRoot }));
    else if (!chardev) chosen = debouncedGpio(chardevBackend({ log: log.child({ component: 'gpio' }), env }));
    else {
      log.error({ sysfs, chardev }, 'no gpio backend can reach the pins; gpio devices stay degraded');
      return (chosen = unavailableGpio(`no GPIO backend can reach the pins. sysfs (onoff): ${sysfs}. character device (gpiod): ${chardev}`));
    }
    log.info({ backend: chosen.backend, ...(sysfs ? { sysfs } : {}) }, 'gpio backend selected');
    return chosen;
  };
  return {
    get backend() {
      return choose().backend;
    },
    openInput: (bcm, options, handlers) => choose().openInput(bcm, options, handlers),
    openOutput: (bcm, initial, onFault) => choose().openOutput(bcm, initial, onFault),
  };
}

/**
 * The primary backend: onoff over sysfs GPIO. onoff takes kernel (sysfs) numbers, so BCM pins are
 * resolved through the header chip's base first (sysfs-pins.ts). Pull-ups cannot be set through sysfs:
 * installers put `gpio=17=pu` in /boot/firmware/config.txt (README, "GPIO wiring").
 * The only file that imports onoff (style rule 5; eslint.config.js enforces it).
 */
import type { BinaryValue, Direction, Edge, Gpio as OnoffGpio } from 'onoff';
import { gpioError, monoNow, type GpioOutput, type Level, type PinBackend, type RawHandlers, type RawInput } from './gpio.js';
import { SYSFS_GPIO, sysfsNumber } from './sysfs-pins.js';

/** The part of onoff's `Gpio` class used here; tests pass a fake kernel of the same shape. */
export type OnoffPin = Pick<OnoffGpio, 'readSync' | 'write' | 'watch' | 'unexport'>;
export type OnoffClass = new (gpio: number, direction: Direction, edge?: Edge) => OnoffPin;

export interface OnoffOptions {
  /** Where sysfs GPIO lives (tests point this at a fake tree). */
  sysfsRoot?: string;
  /** onoff's `Gpio` class; loaded on first use so gateways without GPIO never load its native addon. */
  GpioClass?: OnoffClass;
}

const FIXES: Record<string, string> = {
  EACCES: 'the gateway user may not write sysfs GPIO files: add it to the gpio group (sudo usermod -aG gpio <user>) and restart the service',
  EBUSY: 'another program or a device-tree overlay holds this pin; free it (check /boot/firmware/config.txt overlays) or use another pin',
  EINVAL: 'the kernel refused this GPIO number; check the BCM pin number',
};

export function onoffBackend({ sysfsRoot = SYSFS_GPIO, GpioClass }: OnoffOptions = {}): PinBackend {
  let loaded: Promise<OnoffClass> | null = null;
  const gpioClass = (): Promise<OnoffClass> =>
    (loaded ??= GpioClass
      ? Promise.resolve(GpioClass)
      : import('onoff').then(
          (m) => m.Gpio,
          (err: unknown) => Promise.reject(gpioError(`onoff could not be loaded (${(err as Error).message}); its native part (epoll) is built by \`npm ci\` on the box itself`, err)),
        ));

  const open = async (bcm: number, direction: Direction, edge?: Edge): Promise<OnoffPin> => {
    const n = sysfsNumber(sysfsRoot, bcm);
    const Gpio = await gpioClass();
    try {
      return edge ? new Gpio(n, direction, edge) : new Gpio(n, direction);
    } catch (err) {
      const code = String((err as NodeJS.ErrnoException).code);
      throw gpioError(`GPIO ${bcm} (sysfs ${n}): ${(err as Error).message}; ${FIXES[code] ?? 'see the kernel log (dmesg) for the GPIO driver'}`, err);
    }
  };

  return {
    name: 'onoff',
    async watch(bcm: number, handlers: RawHandlers): Promise<RawInput> {
      const pin = await open(bcm, 'in', 'both');
      let level = pin.readSync() as Level;
      pin.watch((err: Error | null | undefined, value: BinaryValue) => {
        if (err) return handlers.onFault(err);
        level = value;
        handlers.onEdge(value, monoNow());
      });
      return {
        get level() {
          return level;
        },
        close: async () => pin.unexport(),
      };
    },
    async drive(bcm: number, initial: Level): Promise<GpioOutput> {
      // 'high'/'low' makes the pin an output already at that level: no glitch to the other level.
      const pin = await open(bcm, initial === 1 ? 'high' : 'low');
      let level = initial;
      return {
        get level() {
          return level;
        },
        async write(next: Level) {
          await pin.write(next);
          level = next;
        },
        close: async () => pin.unexport(),
      };
    },
  };
}

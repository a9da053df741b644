/**
 * The `Gpio` seam (architecture.md, "Hardware seams"): BCM-numbered pins as debounced inputs and as
 * outputs. Three backends sit behind it (onoff over sysfs, the gpiod tools on the character device, and
 * simulated pins); each one only supplies raw timestamped edges (`PinBackend`) and `debouncedGpio` turns
 * those into the level changes drivers see, so debouncing behaves the same on every backend.
 */
import { GatewayError } from '../../gateway/kernel/errors.js';

/** Electrical level of a pin: 1 high, 0 low. */
export type Level = 0 | 1;

/** A level that held; `monoNs` is when the edge that led to it happened (CLOCK_MONOTONIC, ns). */
export interface LevelChange {
  level: Level;
  monoNs: bigint;
}

export interface InputHandlers {
  /** A debounced level change. */
  onChange(change: LevelChange): void;
  /** The backend lost the pin (a helper process keeps dying, a read failed); it keeps trying. */
  onFault(err: Error): void;
}

export interface GpioInput {
  /** The current debounced level. */
  readonly level: Level;
  close(): Promise<void>;
}

export interface GpioOutput {
  /** The level last written. */
  readonly level: Level;
  write(level: Level): Promise<void>;
  /** Releases the pin; the line goes back to its default (the relay board's pull decides). */
  close(): Promise<void>;
}

export interface Gpio {
  /** Which backend drives the pins: `onoff`, `chardev`, `simulated` (for logs and events). */
  readonly backend: string;
  /** Opens a BCM pin as an input; rejects with `VGW_DRIVER_START` naming the pin and the fix. */
  openInput(bcm: number, options: { debounceMs: number }, handlers: InputHandlers): Promise<GpioInput>;
  /** Opens a BCM pin as an output driven to `initial` from the first instant; `onFault` as for inputs. */
  openOutput(bcm: number, initial: Level, onFault: (err: Error) => void): Promise<GpioOutput>;
}

/** An input as a backend sees it: raw edges, no debouncing. */
export interface RawInput {
  /** The level now (the last edge seen, or a fresh read). */
  readonly level: Level;
  close(): Promise<void>;
}

export interface RawHandlers {
  onEdge(level: Level, monoNs: bigint): void;
  onFault(err: Error): void;
}

/** What each backend implements; `debouncedGpio` makes a `Gpio` of it. */
export interface PinBackend {
  readonly name: string;
  watch(bcm: number, handlers: RawHandlers): Promise<RawInput>;
  drive(bcm: number, initial: Level, onFault: (err: Error) => void): Promise<GpioOutput>;
}

/** Time on the monotonic clock the kernel stamps GPIO edges with (libuv's hrtime is CLOCK_MONOTONIC). */
export const monoNow = (): bigint => process.hrtime.bigint();

/** The error every backend raises when it cannot reach a pin: says why and how to fix it. */
export function gpioError(message: string, cause?: unknown): GatewayError {
  return new GatewayError('VGW_DRIVER_START', message, false, cause === undefined ? undefined : { cause });
}

/** A `Gpio` that can reach no pin, for a gateway given no backend; every open fails with `reason`. */
export function unavailableGpio(reason: string): Gpio {
  const fail = (bcm: number) => Promise.reject(gpioError(`GPIO ${bcm}: ${reason}`));
  return { backend: 'none', openInput: (bcm) => fail(bcm), openOutput: (bcm) => fail(bcm) };
}

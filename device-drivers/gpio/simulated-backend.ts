/**
 * Simulated pins with real timing (style rule 10: a fake that behaves): every level change is an edge
 * stamped on the monotonic clock at the moment it happens, scripted pulses and bounces run on real
 * timers, and outputs keep a timestamped history. Tests and the demo press buttons and watch relays here.
 */
import { debouncedGpio } from './debounce.js';
import { gpioError, monoNow, type Gpio, type GpioOutput, type Level, type PinBackend, type RawHandlers, type RawInput } from './gpio.js';

/** BCM lines of the 40-pin header. */
const HEADER_LINES = 28;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PinEvent {
  level: Level;
  monoNs: bigint;
}

/** One simulated pin: the wire a test drives (inputs) or reads (outputs). */
export class SimPin {
  private current: Level = 0;
  private watcher: RawHandlers | null = null;
  private readonly listeners = new Set<(e: PinEvent) => void>();
  /** Every level the pin took, with when. */
  readonly history: PinEvent[] = [];
  /** How the gateway holds the pin right now. */
  mode: 'free' | 'input' | 'output' = 'free';

  constructor(readonly bcm: number) {}

  get level(): Level {
    return this.current;
  }

  /** Puts `level` on the wire now (an edge, if it differs). */
  set(level: Level): void {
    if (level === this.current) return;
    this.current = level;
    const event = { level, monoNs: monoNow() };
    this.history.push(event);
    this.watcher?.onEdge(level, event.monoNs);
    for (const l of this.listeners) l(event);
  }

  /** Holds `level` for `ms` real milliseconds, then returns to the previous level. */
  async pulse(level: Level, ms: number): Promise<void> {
    const before = this.current;
    this.set(level);
    await sleep(ms);
    this.set(before);
  }

  /** Contact bounce: `count` toggles `everyMs` apart, then the wire rests at `final`. */
  async bounce(count: number, everyMs: number, final: Level): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.set(this.current === 1 ? 0 : 1);
      await sleep(everyMs);
    }
    this.set(final);
  }

  /** Calls `listener` on every level the pin takes from now on; returns the unsubscribe function. */
  onLevel(listener: (e: PinEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the pin reaches `level` (at once if it is there), with the time it did. */
  waitFor(level: Level, timeoutMs = 5000): Promise<bigint> {
    if (this.current === level) return Promise.resolve(this.history.at(-1)?.monoNs ?? monoNow());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`GPIO ${this.bcm} did not reach ${level} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: PinEvent) => {
        if (e.level !== level) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(e.monoNs);
      };
      this.listeners.add(listener);
    });
  }

  /** Called by the backend. */
  claim(mode: 'input' | 'output', watcher: RawHandlers | null): void {
    if (this.mode !== 'free') throw gpioError(`GPIO ${this.bcm} is already in use as an ${this.mode}`);
    this.mode = mode;
    this.watcher = watcher;
  }

  release(): void {
    this.mode = 'free';
    this.watcher = null;
  }
}

export class SimulatedGpio {
  private readonly pins = new Map<number, SimPin>();
  /** The `Gpio` the gateway is given. */
  readonly gpio: Gpio;

  constructor() {
    const backend: PinBackend = {
      name: 'simulated',
      watch: async (bcm: number, handlers: RawHandlers): Promise<RawInput> => {
        const p = this.pin(bcm);
        p.claim('input', handlers);
        return { get level() { return p.level; }, close: async () => p.release() };
      },
      drive: async (bcm: number, initial: Level): Promise<GpioOutput> => {
        const p = this.pin(bcm);
        p.claim('output', null);
        p.set(initial);
        return {
          get level() { return p.level; },
          write: async (level) => p.set(level),
          close: async () => p.release(),
        };
      },
    };
    this.gpio = debouncedGpio(backend);
  }

  /** The pin with BCM number `bcm` (0–27, the header's lines). */
  pin(bcm: number): SimPin {
    if (!Number.isInteger(bcm) || bcm < 0 || bcm >= HEADER_LINES) throw gpioError(`GPIO ${bcm}: the simulated header has lines 0-${HEADER_LINES - 1}`);
    let p = this.pins.get(bcm);
    if (!p) this.pins.set(bcm, (p = new SimPin(bcm)));
    return p;
  }
}

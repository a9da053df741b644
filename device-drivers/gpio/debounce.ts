/**
 * Debouncing, once for every backend: a level counts when it has held for `debounceMs` after the edge
 * that produced it (onoff's `debounceTimeout` has the same meaning: it fires once the input is stable
 * that long). Time is measured from the edge's own timestamp, so a kernel-stamped edge that reached us
 * late through a pipe is not held back twice.
 */
import type { Gpio, GpioInput, InputHandlers, Level, LevelChange, PinBackend } from './gpio.js';
import { monoNow } from './gpio.js';

export class Debouncer {
  private stable: Level;
  private pending: LevelChange | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    initial: Level,
    private readonly debounceMs: number,
    private readonly onChange: (change: LevelChange) => void,
  ) {
    this.stable = initial;
  }

  get level(): Level {
    return this.stable;
  }

  edge(level: Level, monoNs: bigint): void {
    this.pending = { level, monoNs };
    if (this.timer) clearTimeout(this.timer);
    const heldMs = Number(monoNow() - monoNs) / 1e6;
    this.timer = setTimeout(() => this.settle(), Math.max(0, this.debounceMs - heldMs));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private settle(): void {
    const p = this.pending;
    // libuv measures timers from the start of the loop turn, so one may fire a little early.
    const heldMs = p ? Number(monoNow() - p.monoNs) / 1e6 : this.debounceMs;
    if (heldMs < this.debounceMs) {
      this.timer = setTimeout(() => this.settle(), Math.ceil(this.debounceMs - heldMs));
      return;
    }
    this.timer = null;
    this.pending = null;
    // A pulse shorter than the debounce time ends where it began: nothing changed.
    if (!p || p.level === this.stable) return;
    this.stable = p.level;
    this.onChange(p);
  }
}

/** The `Gpio` of a backend: its raw edges, debounced. */
export function debouncedGpio(backend: PinBackend): Gpio {
  return {
    backend: backend.name,
    async openInput(bcm: number, options: { debounceMs: number }, handlers: InputHandlers): Promise<GpioInput> {
      let debouncer: Debouncer | null = null;
      const early: [Level, bigint][] = [];
      const raw = await backend.watch(bcm, {
        // Edges may arrive while `watch` is still settling; they are replayed once the debouncer exists.
        onEdge: (level, monoNs) => (debouncer ? debouncer.edge(level, monoNs) : early.push([level, monoNs])),
        onFault: (err) => handlers.onFault(err),
      });
      const d = (debouncer = new Debouncer(early[0] ? (early[0][0] === 1 ? 0 : 1) : raw.level, options.debounceMs, (c) => handlers.onChange(c)));
      for (const [level, monoNs] of early) d.edge(level, monoNs);
      return {
        get level() {
          return d.level;
        },
        async close() {
          d.stop();
          await raw.close();
        },
      };
    },
    openOutput: (bcm, initial, onFault) => backend.drive(bcm, initial, onFault),
  };
}

/**
 * A fake sysfs GPIO tree in a temp directory (`gpiochipN/{base,label,ngpio}`, `export`), and an onoff
 * `Gpio` class that behaves like the kernel behind it: exporting a number outside every chip fails with
 * EINVAL, an exported line gets `gpioN/{direction,value}`, and a level put on the wire reaches watchers
 * as an edge interrupt would.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BinaryValue, Direction, Edge } from 'onoff';
import type { Level } from '../../../device-drivers/gpio/gpio.js';
import type { OnoffClass, OnoffPin } from '../../../device-drivers/gpio/onoff-backend.js';

export interface FakeChip {
  base: number;
  label: string;
  ngpio: number;
}

/** Raspberry Pi sysfs layouts: old kernels (base 0), Pi 4 on kernel ≥ 6.6 (512), Pi 5 (571, RP1). */
export const LAYOUTS: Record<string, FakeChip[]> = {
  'Pi 3, kernel 6.1': [{ base: 0, label: 'pinctrl-bcm2835', ngpio: 54 }],
  'Pi 4, kernel 6.6': [{ base: 512, label: 'pinctrl-bcm2711', ngpio: 58 }, { base: 570, label: 'raspberrypi-exp-gpio', ngpio: 8 }],
  'Pi 5, kernel 6.6': [
    { base: 512, label: 'gpio-brcmstb@107d508500', ngpio: 32 },
    { base: 544, label: 'gpio-brcmstb@107d517c00', ngpio: 15 },
    { base: 571, label: 'pinctrl-rp1', ngpio: 54 },
  ],
};

type Watcher = (err: Error | null | undefined, value: BinaryValue) => void;

export class FakeSysfs {
  readonly root = join(mkdtempSync(join(tmpdir(), 'vgw-sysfs-')), 'gpio');
  private readonly wire = new Map<number, Level>();
  private readonly watchers = new Map<number, Watcher[]>();
  /** Every number onoff was asked to export, in order. */
  readonly exports: number[] = [];

  constructor(private readonly chips: FakeChip[]) {
    mkdirSync(this.root);
    writeFileSync(join(this.root, 'export'), '');
    for (const c of chips) {
      const dir = join(this.root, `gpiochip${c.base}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'base'), `${c.base}\n`);
      writeFileSync(join(dir, 'label'), `${c.label}\n`);
      writeFileSync(join(dir, 'ngpio'), `${c.ngpio}\n`);
    }
  }

  /** Puts `level` on the wire of sysfs line `n`; an exported input sees the edge. */
  drive(n: number, level: Level): void {
    if (this.wire.get(n) === level) return;
    this.wire.set(n, level);
    const dir = join(this.root, `gpio${n}`);
    if (!existsSync(dir) || readFileSync(join(dir, 'direction'), 'utf8') !== 'in') return;
    writeFileSync(join(dir, 'value'), String(level));
    for (const w of this.watchers.get(n) ?? []) w(null, level);
  }

  /** The value file of an exported line, or undefined. */
  value(n: number): Level | undefined {
    const file = join(this.root, `gpio${n}`, 'value');
    return existsSync(file) ? (readFileSync(file, 'utf8').trim() === '1' ? 1 : 0) : undefined;
  }

  exported(n: number): boolean {
    return existsSync(join(this.root, `gpio${n}`));
  }

  /** onoff's `Gpio` class, against this tree. */
  get GpioClass(): OnoffClass {
    const k = this;
    return class implements OnoffPin {
      private readonly dir: string;
      constructor(
        private readonly n: number,
        direction: Direction,
        _edge?: Edge,
      ) {
        k.exports.push(n);
        if (!k.chips.some((c) => n >= c.base && n < c.base + c.ngpio)) throw Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL' });
        this.dir = join(k.root, `gpio${n}`);
        mkdirSync(this.dir);
        writeFileSync(join(this.dir, 'direction'), direction === 'in' ? 'in' : 'out');
        writeFileSync(join(this.dir, 'value'), direction === 'high' ? '1' : direction === 'low' ? '0' : String(k.wire.get(n) ?? 0));
      }
      readSync(): BinaryValue {
        return readFileSync(join(this.dir, 'value'), 'utf8').trim() === '1' ? 1 : 0;
      }
      async write(value: BinaryValue): Promise<void> {
        writeFileSync(join(this.dir, 'value'), String(value));
      }
      watch(callback: Watcher): void {
        k.watchers.set(this.n, [...(k.watchers.get(this.n) ?? []), callback]);
      }
      unexport(): void {
        k.watchers.delete(this.n);
        rmSync(this.dir, { recursive: true });
      }
    } as unknown as OnoffClass;
  }
}

/**
 * Stand-in `gpiodetect`, `gpioget`, `gpiomon` and `gpioset` executables in a temp directory to put
 * first on the PATH (gpiod-standin.mjs does the work), and the wires a test drives and reads.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Level } from '../../../device-drivers/gpio/gpio.js';
import { monoNow } from '../../../device-drivers/gpio/gpio.js';
import type { ChipInfo } from '../../../device-drivers/gpio/header-chip.js';

const SCRIPT = fileURLToPath(new URL('./gpiod-standin.mjs', import.meta.url));
export const TOOLS = ['gpiodetect', 'gpioget', 'gpiomon', 'gpioset'] as const;

export interface StandinCall {
  tool: string;
  args: string[];
  pid: number;
}

export class GpiodStandins {
  readonly root = mkdtempSync(join(tmpdir(), 'vgw-gpiod-'));
  readonly bin = join(this.root, 'bin');
  readonly wires = join(this.root, 'wires');

  constructor(
    readonly version: '1.6.3' | '2.1.2',
    chips: ChipInfo[] = [{ name: 'gpiochip0', label: 'pinctrl-bcm2711', lines: 58 }],
  ) {
    mkdirSync(this.bin);
    mkdirSync(this.wires);
    writeFileSync(join(this.wires, 'chips.json'), JSON.stringify(chips));
    writeFileSync(join(this.wires, 'calls.log'), '');
    for (const tool of TOOLS) {
      const file = join(this.bin, tool);
      writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${SCRIPT}" ${tool} "$@"\n`);
      chmodSync(file, 0o755);
    }
  }

  /** The environment that makes the backend find the stand-ins before any real gpiod tool. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.bin}:${process.env.PATH ?? ''}`, VGW_GPIOD_DIR: this.wires, VGW_GPIOD_VERSION: this.version };
  }

  /** Puts `level` on an input's wire now, stamped as the kernel would stamp the edge. */
  setInput(chip: string, offset: number, level: Level): void {
    appendFileSync(join(this.wires, `${chip}-${offset}.in`), `${level} ${monoNow()}\n`);
  }

  /** What gpioset last drove on the line: its level, `released` once it let go, undefined before. */
  output(chip: string, offset: number): Level | 'released' | undefined {
    const file = join(this.wires, `${chip}-${offset}.out`);
    if (!existsSync(file)) return undefined;
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1)?.split(' ')[0];
    return last === 'released' ? 'released' : last === '1' ? 1 : 0;
  }

  /** True while a live stand-in holds the line (gpiomon watching it, gpioset driving it). */
  held(chip: string, offset: number): boolean {
    const file = join(this.wires, `${chip}-${offset}.held`);
    if (!existsSync(file)) return false;
    try {
      process.kill(Number(readFileSync(file, 'utf8')), 0);
      return true;
    } catch {
      return false;
    }
  }

  calls(tool?: string): StandinCall[] {
    const all = readFileSync(join(this.wires, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as StandinCall);
    return tool ? all.filter((c) => c.tool === tool) : all;
  }
}

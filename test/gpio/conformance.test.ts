/**
 * One conformance suite for every `Gpio` backend (style rule 11): the simulated pins, onoff against a
 * fake sysfs kernel, and the gpiod tools (libgpiod 1.6 and 2.x syntax) as stand-in executables on the
 * PATH. Debouncing is measured in real milliseconds from the edge's own timestamp.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { chardevBackend } from '../../device-drivers/gpio/chardev-backend.js';
import { debouncedGpio } from '../../device-drivers/gpio/debounce.js';
import { monoNow, type Gpio, type Level, type LevelChange } from '../../device-drivers/gpio/gpio.js';
import { onoffBackend } from '../../device-drivers/gpio/onoff-backend.js';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { FakeSysfs, LAYOUTS } from './support/fake-sysfs.js';
import { GpiodStandins } from './support/gpiod-standins.js';
import { eventually, sleep } from './support/wait.js';

const DEBOUNCE_MS = 30;
const IN = 5;
const OUT = 12;

interface Subject {
  gpio: Gpio;
  /** Puts a level on an input's wire. */
  setInput(bcm: number, level: Level): void;
  /** What the pin drives now (undefined: not driven). */
  outputLevel(bcm: number): Level | 'released' | undefined;
  /** Resolves once an opened input is really being watched. */
  watching(bcm: number): Promise<void>;
  cleanup?(): void;
}

const subjects: Record<string, () => Subject> = {
  simulated: () => {
    const sim = new SimulatedGpio();
    return { gpio: sim.gpio, setInput: (b, l) => sim.pin(b).set(l), outputLevel: (b) => (sim.pin(b).mode === 'output' ? sim.pin(b).level : 'released'), watching: async () => {} };
  },
  'onoff (fake sysfs, Pi 4 base 512)': () => {
    const sysfs = new FakeSysfs(LAYOUTS['Pi 4, kernel 6.6']!);
    return {
      gpio: debouncedGpio(onoffBackend({ sysfsRoot: sysfs.root, GpioClass: sysfs.GpioClass })),
      setInput: (b, l) => sysfs.drive(512 + b, l),
      outputLevel: (b) => (sysfs.exported(512 + b) ? sysfs.value(512 + b) : 'released'),
      watching: async () => {},
    };
  },
  ...Object.fromEntries(
    (['1.6.3', '2.1.2'] as const).map((version) => [
      `chardev (gpiod ${version} stand-ins)`,
      () => {
        const tools = new GpiodStandins(version);
        return {
          gpio: debouncedGpio(chardevBackend({ log: pino({ level: 'silent' }), env: tools.env })),
          setInput: (b: number, l: Level) => tools.setInput('gpiochip0', b, l),
          outputLevel: (b: number) => tools.output('gpiochip0', b),
          watching: (b: number) => eventually(() => expect(tools.held('gpiochip0', b)).toBe(true)),
        };
      },
    ]),
  ),
};

describe.each(Object.keys(subjects))('Gpio conformance: %s', (name) => {
  const s = (subjects[name] as () => Subject)();
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const o of opened) await o.close().catch(() => {});
  });

  const open = async (bcm: number) => {
    const changes: (LevelChange & { reportedNs: bigint })[] = [];
    const input = await s.gpio.openInput(bcm, { debounceMs: DEBOUNCE_MS }, { onChange: (c) => changes.push({ ...c, reportedNs: monoNow() }), onFault: () => {} });
    opened.push(input);
    await s.watching(bcm);
    return { input, changes };
  };

  it('reads the level an input has when it is opened', async () => {
    s.setInput(IN, 1);
    const { input, changes } = await open(IN);
    expect(input.level).toBe(1);
    await input.close();
    expect(changes).toEqual([]);
  });

  it('reports a held change once, after the debounce time, stamped with the time of the edge', async () => {
    s.setInput(IN + 1, 0);
    const { input, changes } = await open(IN + 1);
    const edge = monoNow();
    s.setInput(IN + 1, 1);
    await eventually(() => expect(changes).toHaveLength(1));
    const [c] = changes;
    expect(c!.level).toBe(1);
    expect(Number(c!.monoNs - edge) / 1e6).toBeGreaterThanOrEqual(0);
    expect(Number(c!.monoNs - edge) / 1e6).toBeLessThan(5);
    expect(Number(c!.reportedNs - c!.monoNs) / 1e6).toBeGreaterThanOrEqual(DEBOUNCE_MS - 1);
    expect(input.level).toBe(1);
    await sleep(DEBOUNCE_MS * 2);
    expect(changes).toHaveLength(1);
  });

  it('ignores a pulse shorter than the debounce time, and settles bounce into one change', async () => {
    s.setInput(IN + 2, 0);
    const { changes } = await open(IN + 2);
    s.setInput(IN + 2, 1);
    await sleep(DEBOUNCE_MS / 3);
    s.setInput(IN + 2, 0);
    await sleep(DEBOUNCE_MS * 3);
    expect(changes).toEqual([]);
    for (let i = 0; i < 5; i++) {
      s.setInput(IN + 2, i % 2 === 0 ? 1 : 0);
      await sleep(3);
    }
    s.setInput(IN + 2, 1);
    await eventually(() => expect(changes.map((c) => c.level)).toEqual([1]));
    await sleep(DEBOUNCE_MS * 2);
    expect(changes).toHaveLength(1);
  });

  it('stops reporting once an input is closed', async () => {
    s.setInput(IN + 3, 0);
    const { input, changes } = await open(IN + 3);
    await input.close();
    s.setInput(IN + 3, 1);
    await sleep(DEBOUNCE_MS * 3);
    expect(changes).toEqual([]);
  });

  it('drives an output at its initial level from the start, then as written, and lets go on close', async () => {
    const out = await s.gpio.openOutput(OUT, 1, () => {});
    await eventually(() => expect(s.outputLevel(OUT)).toBe(1));
    await out.write(0);
    await eventually(() => expect(s.outputLevel(OUT)).toBe(0));
    expect(out.level).toBe(0);
    await out.write(1);
    await eventually(() => expect(s.outputLevel(OUT)).toBe(1));
    await out.close();
    await eventually(() => expect(s.outputLevel(OUT)).toBe('released'));
  });

  it('refuses a pin the header does not have, naming it', async () => {
    await expect(s.gpio.openInput(60, { debounceMs: DEBOUNCE_MS }, { onChange: () => {}, onFault: () => {} })).rejects.toThrow(/GPIO 60/);
  });
});

/**
 * The character-device backend against stand-in gpiod tools on the PATH: the exact command lines of
 * both libgpiod dialects, the chip found by its label, helpers restarted when they die (with a level
 * missed meanwhile caught up), and the fix named when the tools or the line are not available.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { chardevBackend } from '../../device-drivers/gpio/chardev-backend.js';
import { debouncedGpio } from '../../device-drivers/gpio/debounce.js';
import type { Level } from '../../device-drivers/gpio/gpio.js';
import { GpiodStandins } from './support/gpiod-standins.js';
import { eventually } from './support/wait.js';

const silent = pino({ level: 'silent' });
/** A Pi 5 after the 2024 renumbering keeps its header on RP1, not necessarily gpiochip0. */
const PI5 = [
  { name: 'gpiochip0', label: 'gpio-brcmstb@107d508500', lines: 32 },
  { name: 'gpiochip4', label: 'pinctrl-rp1', lines: 54 },
];

describe('chardev backend (gpiod tools as child processes)', () => {
  it.each([
    ['1.6.3', ['-b', '-F', '%o %e %s %n', 'gpiochip4', '17'], ['gpiochip4', '17'], ['--mode=signal', 'gpiochip4', '27=0']],
    ['2.1.2', ['-c', 'gpiochip4', '-F', '%o %E %S', '17'], ['-c', 'gpiochip4', '--numeric', '17'], ['-c', 'gpiochip4', '27=0']],
  ] as const)('libgpiod %s: runs the tools with that version\'s arguments on the header chip', async (version, mon, get, set) => {
    const tools = new GpiodStandins(version, PI5);
    const gpio = debouncedGpio(chardevBackend({ log: silent, env: tools.env }));
    const input = await gpio.openInput(17, { debounceMs: 10 }, { onChange: () => {}, onFault: () => {} });
    const output = await gpio.openOutput(27, 0, () => {});
    await eventually(() => expect(tools.held('gpiochip4', 17) && tools.output('gpiochip4', 27) === 0).toBe(true));
    expect(tools.calls('gpiomon').map((c) => c.args)).toEqual([['--version'], mon]);
    expect(tools.calls('gpioget').map((c) => c.args)).toEqual([get]);
    expect(tools.calls('gpioset').map((c) => c.args)).toEqual([set]);
    expect(tools.calls('gpiodetect')).toHaveLength(1);
    await input.close();
    await output.close();
    expect(tools.held('gpiochip4', 17)).toBe(false);
  });

  it('restarts a gpiomon that dies, reports it once, and catches up on a change made while it was down', async () => {
    const tools = new GpiodStandins('1.6.3');
    const changes: Level[] = [];
    const faults: string[] = [];
    const gpio = debouncedGpio(chardevBackend({ log: silent, env: tools.env }));
    const input = await gpio.openInput(22, { debounceMs: 10 }, { onChange: (c) => changes.push(c.level), onFault: (e) => faults.push(e.message) });
    await eventually(() => expect(tools.held('gpiochip0', 22)).toBe(true));
    const [first] = tools.calls('gpiomon').filter((c) => c.args[0] !== '--version');
    process.kill(first!.pid, 'SIGKILL');
    tools.setInput('gpiochip0', 22, 1); // pressed while nobody watched
    // A restart spawns gpioget, then gpiomon (each a node stand-in here), which takes seconds on a loaded
    // 2-core machine: the deadline is generous, the condition is what counts (seen failing at 5 s).
    const RESTART_MS = 20_000;
    await eventually(() => expect(changes).toEqual([1]), RESTART_MS);
    expect(faults).toEqual([expect.stringMatching(/^gpiomon exited \(SIGKILL\)/)]);
    await eventually(() => expect(tools.held('gpiochip0', 22)).toBe(true), RESTART_MS);
    tools.setInput('gpiochip0', 22, 0);
    await eventually(() => expect(changes).toEqual([1, 0]), RESTART_MS);
    expect(tools.calls('gpiomon').filter((c) => c.args[0] !== '--version')).toHaveLength(2);
    await input.close();
  });

  it('restarts a gpioset that dies, holding the level last written', async () => {
    const tools = new GpiodStandins('2.1.2');
    const faults: string[] = [];
    const out = await debouncedGpio(chardevBackend({ log: silent, env: tools.env })).openOutput(23, 0, (e) => faults.push(e.message));
    await out.write(1);
    await eventually(() => expect(tools.output('gpiochip0', 23)).toBe(1));
    const holding = () => tools.calls('gpioset').filter((c) => c.args.join(' ') === '-c gpiochip0 23=1');
    process.kill(holding()[0]!.pid, 'SIGKILL');
    await eventually(() => expect(holding()).toHaveLength(2));
    await eventually(() => expect(tools.held('gpiochip0', 23)).toBe(true));
    expect(faults).toHaveLength(1);
    await out.close();
  });

  it('names the package when the tools are missing, and the holder when the line is busy', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vgw-path-'));
    const none = debouncedGpio(chardevBackend({ log: silent, env: { PATH: empty } }));
    await expect(none.openInput(17, { debounceMs: 10 }, { onChange: () => {}, onFault: () => {} })).rejects.toThrow(/gpiomon is not installed: install the gpiod tools \(sudo apt-get install gpiod\)/);
    const tools = new GpiodStandins('1.6.3');
    writeFileSync(join(tools.wires, 'gpiochip0-24.held'), String(process.pid)); // another program holds GPIO 24
    const busy = debouncedGpio(chardevBackend({ log: silent, env: tools.env, settleMs: 1500 }));
    await expect(busy.openOutput(24, 0, () => {})).rejects.toThrow(/gpioset .*exited \(1\): gpioset: unable to request lines on chip gpiochip0: Device or resource busy; another program holds this line/);
  });
});

/**
 * BCM pins resolved through the sysfs chip base of each Raspberry Pi layout (0, 512, 571), never a
 * hard-coded one; and the messages an installer gets when sysfs or every backend is out of reach.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { onoffBackend } from '../../device-drivers/gpio/onoff-backend.js';
import { sysfsNumber } from '../../device-drivers/gpio/sysfs-pins.js';
import { systemGpio } from '../../device-drivers/gpio/system-gpio.js';
import { LogSink } from '../support/gateway-fixture.js';
import { FakeSysfs, LAYOUTS } from './support/fake-sysfs.js';
import { GpiodStandins } from './support/gpiod-standins.js';
import { eventually } from './support/wait.js';

const handlers = { onChange: () => {}, onFault: () => {} };

describe('sysfs pin resolution', () => {
  it.each([
    ['Pi 3, kernel 6.1', 0],
    ['Pi 4, kernel 6.6', 512],
    ['Pi 5, kernel 6.6', 571],
  ])('%s: BCM 17 is sysfs %s + 17, found by the header chip label', (layout, base) => {
    const sysfs = new FakeSysfs(LAYOUTS[layout]!);
    expect(sysfsNumber(sysfs.root, 17)).toBe(base + 17);
    expect(sysfsNumber(sysfs.root, 0)).toBe(base);
  });

  it('opens the resolved number through onoff, for inputs and outputs', async () => {
    const sysfs = new FakeSysfs(LAYOUTS['Pi 5, kernel 6.6']!);
    const backend = onoffBackend({ sysfsRoot: sysfs.root, GpioClass: sysfs.GpioClass });
    const input = await backend.watch(17, { onEdge: () => {}, onFault: () => {} });
    const output = await backend.drive(27, 1, () => {});
    expect(sysfs.exports).toEqual([588, 598]);
    expect(sysfs.value(598)).toBe(1);
    await input.close();
    await output.close();
    expect(sysfs.exported(588)).toBe(false);
  });

  it('refuses a BCM number beyond the header chip, and a board without a known header chip', () => {
    const pi3 = new FakeSysfs(LAYOUTS['Pi 3, kernel 6.1']!);
    expect(() => sysfsNumber(pi3.root, 54)).toThrow(/GPIO 54: gpiochip0 "pinctrl-bcm2835" has lines 0-53; use the BCM number/);
    const other = new FakeSysfs([{ base: 0, label: 'sunxi-pinctrl', ngpio: 224 }]);
    expect(() => sysfsNumber(other.root, 17)).toThrow(/no Raspberry Pi header chip \(label pinctrl-rp1, pinctrl-bcm2711, pinctrl-bcm2835\).*found: gpiochip0 "sunxi-pinctrl" base 0 \(224 lines\)/);
  });

  it('says why sysfs is missing and what to install instead', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'vgw-nosysfs-')), 'gpio');
    expect(() => sysfsNumber(missing, 17)).toThrow(/gpio does not exist: this kernel has no sysfs GPIO .*newer Raspberry Pi 5 kernels drop it.*apt-get install gpiod/);
    await expect(onoffBackend({ sysfsRoot: missing }).watch(17, { onEdge: () => {}, onFault: () => {} })).rejects.toMatchObject({ code: 'VGW_DRIVER_START' });
  });
});

describe('choosing the system backend', () => {
  const noSysfs = () => join(mkdtempSync(join(tmpdir(), 'vgw-nosysfs-')), 'gpio');
  const devDir = (chips: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'vgw-dev-'));
    for (const c of chips) writeFileSync(join(dir, c), '');
    return dir;
  };

  it('prefers onoff when sysfs has the header chip', async () => {
    const sysfs = new FakeSysfs(LAYOUTS['Pi 4, kernel 6.6']!);
    const logs = new LogSink();
    const gpio = systemGpio({ log: pino(logs), sysfsRoot: sysfs.root, devDir: devDir([]), env: { PATH: '' } });
    expect(gpio.backend).toBe('onoff');
    expect(logs.lines.find((l) => l.msg === 'gpio backend selected')).toMatchObject({ backend: 'onoff' });
  });

  it('falls back to the gpiod tools on the character device when sysfs is gone', async () => {
    const tools = new GpiodStandins('2.1.2', [{ name: 'gpiochip0', label: 'pinctrl-rp1', lines: 54 }]);
    const gpio = systemGpio({ log: pino({ level: 'silent' }), sysfsRoot: noSysfs(), devDir: devDir(['gpiochip0']), env: tools.env });
    const input = await gpio.openInput(17, { debounceMs: 10 }, handlers);
    expect(gpio.backend).toBe('chardev');
    await eventually(() => expect(tools.calls('gpiomon').map((c) => c.args)).toContainEqual(['-c', 'gpiochip0', '-F', '%o %E %S', '17']));
    await input.close();
  });

  it('when nothing reaches the pins, says why for each backend and how to fix it', async () => {
    const logs = new LogSink();
    const empty = mkdtempSync(join(tmpdir(), 'vgw-path-'));
    mkdirSync(join(empty, 'bin'));
    const gpio = systemGpio({ log: pino(logs), sysfsRoot: noSysfs(), devDir: devDir([]), env: { PATH: join(empty, 'bin') } });
    const err = await gpio.openInput(17, { debounceMs: 10 }, handlers).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^GPIO 17: no GPIO backend can reach the pins\. sysfs \(onoff\): .*gpio does not exist.*\. character device \(gpiod\): gpiomon is not installed: install the gpiod tools \(sudo apt-get install gpiod\)$/);
    expect(logs.lines.filter((l) => l.msg === 'no gpio backend can reach the pins; gpio devices stay degraded')).toHaveLength(1);
    await expect(gpio.openOutput(27, 0, () => {})).rejects.toThrow(/GPIO 27: no GPIO backend/);
  });
});

/**
 * `vgw check`, one verdict per configured GPIO pin (issue 12, item 4): a BCM number the board's header
 * chip does not have, and whether the line is exported already (by the running gateway) and readable.
 * Only where sysfs GPIO exists: on the character device the box check's backend verdict says it all.
 * (Two devices on one pin are refused by the config schema already.)
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SYSFS_GPIO, sysfsNumber } from '../../device-drivers/gpio/sysfs-pins.js';
import type { Config } from '../../gateway/config/schema.js';
import type { Out } from '../i18n/i18n.js';
import type { CheckLine } from './check-lines.js';

/** The verdicts; `root` is the sysfs GPIO directory ($VGW_SYSFS_GPIO on a test bench, as for vgw test). */
export function pinChecks(config: Config, out: Out, root = process.env.VGW_SYSFS_GPIO ?? SYSFS_GPIO): CheckLine[] {
  const lines: CheckLine[] = [];
  if (!existsSync(root)) return lines;
  for (const d of config.devices) {
    const pin = (d as { pin?: unknown }).pin;
    if ((d.driver !== 'alarm-input' && d.driver !== 'relay') || typeof pin !== 'number') continue;
    const what = `gpio.${pin}`;
    const params = { pin, ids: d.id };
    let n: number;
    try {
      n = sysfsNumber(root, pin);
    } catch (err) {
      lines.push({ what, status: 'problem', line: out.t('check.pin.bad', { ...params, error: (err as Error).message }), fix: out.t('check.pin.fixBad', params) });
      continue;
    }
    const value = join(root, `gpio${n}`, 'value');
    if (!existsSync(value)) {
      lines.push({ what, status: 'ok', line: out.t('check.pin.free', { ...params, n }) });
      continue;
    }
    try {
      accessSync(value, constants.R_OK);
      lines.push({ what, status: 'ok', line: out.t('check.pin.exported', { ...params, n }) });
    } catch {
      lines.push({ what, status: 'problem', line: out.t('check.pin.unreadable', { ...params, n }), fix: out.t('check.pin.fixUnreadable', params) });
    }
  }
  return lines;
}

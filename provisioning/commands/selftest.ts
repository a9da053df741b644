/**
 * `vgw test` (issue 12, item 5): the live wiring self-test, with the daemon stopped or alongside it.
 * Lists every input, then runs each device's step (selftest-kinds.ts) and records every step — pass,
 * fail or skipped, its time and detail — in the gateway's database, for `vgw report`. `--only ID` tests
 * one device; `--non-interactive` asks nothing (inputs must change within the timeout). Exit 1 when a
 * step failed.
 */
import { randomUUID } from 'node:crypto';
import { loadConfigFile } from '../../gateway/config/load.js';
import { SYSFS_GPIO } from '../../device-drivers/gpio/sysfs-pins.js';
import { fail, type Out } from '../i18n/i18n.js';
import { withBoxDb } from './box-db.js';
import { stdinPrompter } from './prompter.js';
import { recordResult } from './selftest-store.js';
import { SELF_TESTS, type StepContext, type StepOutcome } from './selftest-kinds.js';
import { whereOf } from './device-edit.js';

/** `vgw test`'s flags. */
export interface SelfTestOptions {
  config: string;
  only?: string;
  nonInteractive?: boolean;
  timeout: number;
  sysfsRoot?: string;
}

export async function selfTest(o: SelfTestOptions, out: Out): Promise<number> {
  const config = loadConfigFile(o.config);
  const devices = o.only ? config.devices.filter((d) => d.id === o.only) : config.devices;
  if (o.only && devices.length === 0) throw fail(out, 'selftest.noDevice', { id: o.only, ids: config.devices.map((d) => d.id).join(', ') || '-' }, 2);
  if (devices.length === 0) throw fail(out, 'selftest.noDevices', { file: o.config }, 2);
  const inputs = devices.filter((d) => d.driver === 'alarm-input');
  if (inputs.length > 0) out.line('selftest.inputs', { n: inputs.length });
  for (const d of inputs) out.line('selftest.inputRow', { id: d.id, where: whereOf(d as unknown as Record<string, unknown>) });
  const prompt = o.nonInteractive ? null : stdinPrompter(out.t('selftest.stdinEnded'));
  const ctx: StepContext = { config, configFile: o.config, out, prompt, timeoutMs: o.timeout * 1000, sysfsRoot: o.sysfsRoot ?? process.env.VGW_SYSFS_GPIO ?? SYSFS_GPIO };
  const run = randomUUID();
  const counts = { pass: 0, fail: 0, skipped: 0 };
  await withBoxDb(config.gateway.dataDir, async (db) => {
    try {
      for (const device of devices) {
        const step = SELF_TESTS[device.driver];
        let outcome: StepOutcome;
        try {
          outcome = step ? await step(device, ctx) : { step: 'none', result: 'skipped', detail: out.t('selftest.noTest', { kind: device.driver }) };
        } catch (err) {
          // A pin that cannot be opened (no sysfs, no permission) is that device's failure, not the run's end.
          outcome = { step: 'open', result: 'fail', detail: out.t('selftest.stepError', { error: (err as Error).message }) };
        }
        recordResult(db, { run, device: device.id, kind: device.driver, ...outcome, ts: Date.now() });
        counts[outcome.result] += 1;
        out.line(`selftest.result.${outcome.result}`, { id: device.id, detail: outcome.detail });
      }
    } finally {
      prompt?.close();
    }
  });
  out.line('selftest.summary', { ...counts, run });
  return counts.fail > 0 ? 1 : 0;
}

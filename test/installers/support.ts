/** Shared steps of the installer tests: a box set up with `vgw init` as the walk-through does it. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseDocument } from 'yaml';
import { FakeSysfs, LAYOUTS } from '../gpio/support/fake-sysfs.js';
import { vgw, type CliResult } from '../support/vgw-cli.js';

const BASE = 512; // Pi 4 on kernel >= 6.6

/** `vgw init --yes` for village `village` into `dir`, against `broker`; returns the config file. */
export async function initBox(dir: string, o: { broker: string; village?: string; gatewayId?: string; lang?: string; extra?: string[] }): Promise<{ config: string; result: CliResult }> {
  const config = `${dir}/etc/vgw.yaml`;
  const result = await vgw([
    'init', '--yes', '--config', config, '--township', '370283104', '--village', o.village ?? '谢家峪', '--broker', o.broker, '--data-dir', `${dir}/data`,
    ...(o.gatewayId ? ['--gateway-id', o.gatewayId] : []), '--lang', o.lang ?? 'en', ...(o.extra ?? []),
  ]);
  return { config, result };
}

/** This test machine runs no NTP client: point the clock check at a file that exists (as check-box.test.ts does). */
export function markClockSynced(config: string): void {
  editConfig(config, (doc) => doc.setIn(['gateway', 'clockSyncedFile'], '/'));
}

/** Edits a config file through the yaml document API (comments kept). */
export function editConfig(config: string, edit: (doc: ReturnType<typeof parseDocument>) => void): void {
  const doc = parseDocument(readFileSync(config, 'utf8'));
  edit(doc);
  writeFileSync(config, doc.toString());
}

/** A box with two inputs, a relay and a LAN device, and its fake sysfs lines (exported, as the daemon leaves them). */
export async function wiredBox(dir: string): Promise<{ config: string; sysfs: { root: string } } & ReturnType<typeof wiredLines>> {
  const { config } = await initBox(dir, { broker: 'mqtt://127.0.0.1:1883' });
  const add = async (...a: string[]) => expect((await vgw(['device', 'add', ...a, '--config', config, '--no-qr'])).code).toBe(0);
  await add('alarm-input', 'panic-east-gate', 'pin=17', 'zone=east-gate', 'kind=panic', 'location=east gate');
  await add('alarm-input', 'pir-market', 'pin=22', 'zone=market', 'kind=pir', 'contact=NC');
  await add('relay', 'siren-1', 'pin=27', 'activeLow=true');
  await add('mqtt', 'panic-lan', 'category=alarm');
  const lines = wiredLines([17, 22], [27]);
  return { config, sysfs: { root: lines.root }, ...lines };
}

/** Fake sysfs lines (Pi 4 layout), exported as the daemon leaves them: inputs read 1, outputs are high. */
export function wiredLines(inputs: number[], outputs: number[]): { root: string; line: (bcm: number) => string; press: (bcm: number) => { stop: () => void } } {
  const sysfs = new FakeSysfs(LAYOUTS['Pi 4, kernel 6.6']!);
  const line = (bcm: number) => join(sysfs.root, `gpio${BASE + bcm}`);
  for (const bcm of [...inputs, ...outputs]) {
    mkdirSync(line(bcm));
    writeFileSync(join(line(bcm), 'direction'), outputs.includes(bcm) ? 'out' : 'in');
    writeFileSync(join(line(bcm), 'value'), '1');
  }
  /** Presses and releases the contact on `bcm` every 300 ms, as an installer at the button would. */
  const press = (bcm: number) => {
    let level = 1;
    const timer = setInterval(() => writeFileSync(join(line(bcm), 'value'), String((level ^= 1))), 300);
    return { stop: () => clearInterval(timer) };
  };
  return { root: sysfs.root, line, press };
}

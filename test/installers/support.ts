/** Shared steps of the installer tests: a box set up with `vgw init` as the walk-through does it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { vgw, type CliResult } from '../support/vgw-cli.js';

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

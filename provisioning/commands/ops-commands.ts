/**
 * `vgw status` and `vgw reload`: the box's own view and a config reload of the running daemon
 * (issue 12 item 7, issue 13 item 4). Both find the daemon through the config's data directory. Their
 * work (status.ts, reload.ts) and the message catalogue are imported only when one runs (issue 14).
 */
import { Option, type Command } from 'commander';
import type { Lang } from '../i18n/i18n.js';

/** The config the systemd unit runs with (provisioning/install/vgw.service). */
export const DEFAULT_CONFIG = '/etc/vgw/vgw.yaml';

// As the installer commands: a bad --lang is a one-line usage error (exit 2) in both languages.
const langOption = (): Option => new Option('--lang <lang>', 'zh or en (default: from LANG, e.g. zh_CN.UTF-8)');

async function langOf(o: { lang?: string }): Promise<Lang> {
  const { pickLang } = await import('../i18n/i18n.js');
  return pickLang(o.lang);
}

/** Adds `status` and `reload` to the CLI. */
export function addOpsCommands(program: Command): void {
  program
    .command('status')
    .description("this box's own view: uplink, backlog, devices, zones, last 10 events (本机状态); exit 3 when the daemon is not running")
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .option('--json', 'print the status snapshot as JSON')
    .addOption(langOption())
    .action(async (o: { config: string; json?: boolean; lang?: string }) => {
      const { status } = await import('./status.js');
      process.exitCode = await status({ config: o.config, json: o.json, lang: await langOf(o) });
    });

  program
    .command('reload')
    .description('check the config file, then make the running daemon apply it (SIGHUP) and say whether it did (重新加载配置)')
    .option('-c, --config <file>', 'YAML config file (the one the daemon runs with)', DEFAULT_CONFIG)
    .addOption(langOption())
    .action(async (o: { config: string; lang?: string }) => {
      const { reload } = await import('./reload.js');
      process.exitCode = await reload({ config: o.config, lang: await langOf(o) });
    });
}

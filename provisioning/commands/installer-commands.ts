/**
 * The installer's commands (issue 12): `init`, `device`, `township-acl`, `test`, `report`, added to the
 * `vgw` program by one call from cli.ts. Each takes `--lang zh|en` (default: the locale). Each command's
 * work, and the message catalogue, are imported only when it runs (issue 14).
 */
import { Option, type Command } from 'commander';
import type { Out } from '../i18n/i18n.js';
import type { InitOptions } from './init.js';
import type { SelfTestOptions } from './selftest.js';
import { numberOption } from './cli-numbers.js';

/** The formats `vgw township-acl --format` takes. */
export const ACL_FORMATS = ['mosquitto', 'emqx-json'] as const;
export type AclFormat = (typeof ACL_FORMATS)[number];

const langOption = () => new Option('--lang <lang>', 'language of messages: zh or en (default: from LANG)');

/** The `Out` for a command's `--lang`. */
export async function outFor(o: { lang?: string }): Promise<Out> {
  const { output, pickLang } = await import('../i18n/i18n.js');
  return output(pickLang(o.lang));
}

export function addInstallerCommands(program: Command): void {
  program
    .command('init')
    .description('write a first config for this box: asks, or takes every answer as a flag with --yes (首次配置)')
    .option('-c, --config <file>', 'where to write the config', '/etc/vgw/vgw.yaml')
    .option('--township <code>', 'township code, e.g. 370283104')
    .option('--village <name>', 'village name, e.g. 谢家峪')
    .option('--number <n>', 'number of this box in the village (default 01)')
    .option('--gateway-id <id>', 'gateway id (default: township-villagepinyin-number)')
    .option('--broker <url>', 'township broker URL, e.g. mqtts://township.example:8883')
    .option('--username <user>', 'township username (default: the gateway id)')
    .option('--password-file <file>', 'township password file: used as it is when it exists, else a strong password is generated into it (default: beside the config)')
    .option('--ca <file>', "township CA certificate (default: the system's CAs)")
    .option('--cert <file>', 'client certificate for the township')
    .option('--key <file>', 'client key for the township')
    .option('--timezone <tz>', 'time zone of the box (default Asia/Shanghai)')
    .option('--data-dir <dir>', 'data directory (default /var/lib/vgw)')
    .option('--user <name>', 'service user that owns the data directory and the password file (e.g. vgw)')
    .option('-y, --yes', 'ask nothing: flags and defaults only')
    .option('--force', 'overwrite an existing config (an existing password file is always kept)')
    .addOption(langOption())
    .action(async (o: InitOptions & { lang?: string }) => {
      const { init } = await import('./init.js');
      await init(o, await outFor(o));
    });

  program
    .command('township-acl')
    .description("print what the township broker needs for this gateway: its password entry and the contract's ACL lines")
    .requiredOption('-c, --config <file>', 'YAML config file')
    .addOption(new Option('--format <format>', 'mosquitto (password_file line and acl_file patterns) or emqx-json').choices(ACL_FORMATS).default('mosquitto'))
    .addOption(langOption())
    .action(async (o: { config: string; format: AclFormat; lang?: string }) => {
      const { townshipAcl } = await import('./township-acl.js');
      townshipAcl(o.config, o.format, await outFor(o));
    });

  const device = program.command('device').description('add, list and remove the devices of a config (设备管理); comments and order are kept');
  device
    .command('add')
    .description('add a device: KIND (mqtt, alarm-input, relay, loudspeaker, ip-speaker, ...), its ID and its fields as key=value')
    .argument('<kind>', 'driver kind')
    .argument('<id>', 'device id, e.g. panic-east-gate')
    .argument('[fields...]', 'fields of the kind, e.g. pin=17 zone=east-gate kind=panic (values are YAML)')
    .requiredOption('-c, --config <file>', 'YAML config file')
    .option('--host <address>', "this box's LAN address for a LAN device's setup (default: its first IPv4 address)")
    .option('--no-qr', 'do not print the QR code of a LAN device\'s login')
    .addOption(langOption())
    .action(async (kind: string, id: string, fields: string[], o: { config: string; host?: string; qr: boolean; lang?: string }) => {
      const { deviceAdd } = await import('./device-edit.js');
      await deviceAdd(o.config, kind, id, fields, o, await outFor(o));
    });
  device
    .command('list')
    .description('list the devices of a config and where they are wired')
    .requiredOption('-c, --config <file>', 'YAML config file')
    .addOption(langOption())
    .action(async (o: { config: string; lang?: string }) => {
      const { deviceList } = await import('./device-edit.js');
      deviceList(o.config, await outFor(o));
    });
  device
    .command('remove')
    .description('remove a device from a config')
    .argument('<id>', 'device id')
    .requiredOption('-c, --config <file>', 'YAML config file')
    .addOption(langOption())
    .action(async (id: string, o: { config: string; lang?: string }) => {
      const { deviceRemove } = await import('./device-edit.js');
      deviceRemove(o.config, id, await outFor(o));
    });

  program
    .command('test')
    .description('live wiring self-test: shows each input change, pulses each relay, speaks on each loudspeaker; records every step (接线自检)')
    .requiredOption('-c, --config <file>', 'YAML config file')
    .option('--only <id>', 'test this device only')
    .option('--non-interactive', 'ask nothing: inputs must change within the timeout, relays are pulsed unconfirmed')
    .addOption(numberOption('--timeout <seconds>', 'how long each input may take to change', { min: 1, max: 3600, unit: 'seconds', example: 60, default: 30 }))
    .option('--sysfs-root <dir>', 'sysfs GPIO directory of a test bench (default: $VGW_SYSFS_GPIO, else /sys/class/gpio)')
    .addOption(langOption())
    .action(async (o: SelfTestOptions & { lang?: string }) => {
      const { selfTest } = await import('./selftest.js');
      process.exitCode = await selfTest(o, await outFor(o));
    });

  program
    .command('report')
    .description('write the acceptance report (检查验收报告): HTML that prints on A4, and the same data as JSON beside it; `vgw report monthly`: the township\'s monthly report')
    // Not a required option: commander checks a parent's required options before its subcommand (`monthly`) runs.
    .option('-c, --config <file>', 'YAML config file', '/etc/vgw/vgw.yaml')
    .option('-o, --out <file>', 'the HTML file; the JSON goes beside it (.json)', 'report.html')
    .option('--offline', 'do not connect to the township')
    .addOption(langOption())
    .action(async (o: { config: string; out: string; offline?: boolean; lang?: string }) => {
      const { report } = await import('./report.js');
      await report(o, await outFor(o));
    });
}

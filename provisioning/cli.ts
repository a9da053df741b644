/**
 * `vgw`: the installer's and operator's command line. commander parses the subcommands. A command is
 * defined (name, flags, help) in cli.ts or a `*-command.ts` / `*-commands.ts` file, which import only
 * commander, small option parsers and gateway/kernel constants; its work lives in its own file, which
 * the action imports when the command runs (issue 14). So `vgw run` loads the daemon and none of the
 * other commands' code, and `vgw --help` none of the daemon (test/e2e/cli-lazy.test.ts).
 */
import { Command } from 'commander';
import { GatewayError } from '../gateway/kernel/errors.js';
import { VERSION } from '../gateway/version.js';
import { addAccessCommand } from './commands/access-command.js';
import { addCameraCommand } from './commands/camera-command.js';
import { CliError } from './commands/cli-error.js';
import { MAX_TIMER_SEC, numberOption } from './commands/cli-numbers.js';
import { addInstallerCommands, outFor } from './commands/installer-commands.js';
import { addOpcuaCommand } from './commands/opcua-command.js';
import { addOpsCommands } from './commands/ops-commands.js';
import { addArchiveCommand } from './township/commands/archive-command.js';
import { addEventsCommand } from './township/commands/events-command.js';
import { addMonitorCommand } from './township/commands/monitor-command.js';
import { addMonthlyReport } from './township/commands/report-monthly-command.js';
import { addSendCommands } from './township/commands/send-commands.js';

const program = new Command('vgw').version(VERSION).description('village-gateway: village public-safety gateway (平安乡村 技防)');

program
  .command('run')
  .description('run the gateway daemon')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .action(async (o: { config: string }) => {
    const [{ loadConfigFile }, { uplinkCredentials }, { createLogger }, { runDaemon }] = await Promise.all([
      import('../gateway/config/load.js'),
      import('../cloud-bridge/uplink-credentials.js'),
      import('../gateway/kernel/log.js'),
      import('../gateway/main.js'),
    ]);
    // Files the config names are read before anything starts: a wrong uplink.passwordFile is one line
    // and exit 2 now, not an uplink retrying forever (issue 8, finding 24).
    uplinkCredentials(loadConfigFile(o.config).uplink);
    await runDaemon(o.config, createLogger());
  });

program
  .command('check')
  .description('validate a config file, then try the township connection, and say what to fix')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .option('--offline', 'only validate, do not connect to the township')
  .option('--json', 'print the verdicts as JSON, for tools')
  .option('--lang <lang>', 'language of messages: zh or en (default: from LANG)')
  .action(async (o: { config: string; offline?: boolean; json?: boolean; lang?: string }) => {
    const { checkConfig } = await import('./commands/check.js');
    process.exitCode = await checkConfig(o.config, o, await outFor(o));
  });

program
  .command('demo')
  .description('run a demo: embedded township broker, the gateway, three simulated devices, an uplink outage')
  .addOption(numberOption('-d, --duration <seconds>', 'stop after this many seconds, once every scene has run (default: run until Ctrl-C)', { min: 1, max: MAX_TIMER_SEC, unit: 'seconds', example: 45 }))
  .action(async (o: { duration?: number }) => {
    const { runDemo } = await import('./commands/demo.js');
    await runDemo({ durationSec: o.duration });
  });

program
  .command('passwd')
  .description('hash a device password for the config (reads it from stdin when not given)')
  .argument('[password]')
  .action(async (password?: string) => {
    const { passwd } = await import('./commands/passwd.js');
    await passwd(password);
  });

program
  .command('keygen')
  .description('make an operator signing key (Ed25519) and print the config entry for gateways')
  .requiredOption('--kid <id>', 'key id, e.g. ops-zhang')
  .requiredOption('--out <file>', 'where to write the private key (mode 0600)')
  .option('--roles <roles>', 'roles for the printed config entry', 'broadcast,door,arm')
  .action(async (o: { kid: string; out: string; roles: string }) => {
    const { keygen } = await import('./township/commands/keygen.js');
    keygen(o);
  });

program
  .command('say')
  .description('speak a notice on this box\'s loudspeaker, to test it (本机喇叭试播)')
  .argument('<text>', 'the notice, e.g. "村民请注意"')
  .option('-c, --config <file>', 'YAML config file (its loudspeaker, volume and voice); ALSA defaults without it')
  .option('--speaker <id>', 'which loudspeaker of the config')
  .addOption(numberOption('--volume <percent>', 'volume', { min: 0, max: 100, whole: true, example: 80 }))
  .option('--voice <voice>', 'espeak-ng voice instead of the one chosen automatically')
  .option('--dry-run', 'render the speech and print the command lines instead of playing')
  .action(async (text: string, o: { config?: string; speaker?: string; volume?: number; voice?: string; dryRun?: boolean }) => {
    const { say } = await import('./commands/say.js');
    process.exitCode = await say(text, o);
  });

addSendCommands(program);
addMonitorCommand(program);
addArchiveCommand(program);
addEventsCommand(program);
addOpsCommands(program);
addAccessCommand(program);
addCameraCommand(program);
addInstallerCommands(program);
// `vgw report` is the installer's acceptance report; `vgw report monthly` the township's (issue 16).
addMonthlyReport(program.commands.find((c) => c.name() === 'report') as Command);
addOpcuaCommand(program);

program.parseAsync().catch((err: unknown) => {
  // Ordinary mistakes are one line: the cause and the fix. Only a bug gets a stack trace.
  if (err instanceof GatewayError) {
    process.stderr.write(`vgw: ${err.message} (${err.code})\n`);
    process.exit(2);
  }
  if (err instanceof CliError) {
    process.stderr.write(`vgw: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`vgw: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

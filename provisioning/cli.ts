/**
 * `vgw`: the installer's and operator's command line. commander parses the subcommands; each command's
 * work lives in its own file under provisioning/commands/.
 */
import { Command, Option } from 'commander';
import { GatewayError } from '../gateway/errors.js';
import { createLogger } from '../gateway/log.js';
import { runDaemon } from '../gateway/main.js';
import { VERSION } from '../gateway/version.js';
import { checkConfig } from './commands/check.js';
import { runDemo } from './commands/demo.js';
import { keygen } from './commands/keygen.js';
import { passwd } from './commands/passwd.js';
import { sendCommand } from './commands/send.js';

const program = new Command('vgw').version(VERSION).description('village-gateway: village public-safety gateway (平安乡村 技防)');

program
  .command('run')
  .description('run the gateway daemon')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .action(async (o: { config: string }) => runDaemon(o.config, createLogger()));

program
  .command('check')
  .description('validate a config file, then try the township connection, and say what to fix')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .option('--offline', 'only validate, do not connect to the township')
  .action(async (o: { config: string; offline?: boolean }) => {
    process.exitCode = await checkConfig(o.config, o);
  });

program
  .command('demo')
  .description('run a demo: embedded township broker, the gateway, three simulated devices, an uplink outage')
  .option('-d, --duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)', Number)
  .action(async (o: { duration?: number }) => runDemo({ durationSec: o.duration }));

program
  .command('passwd')
  .description('hash a device password for the config (reads it from stdin when not given)')
  .argument('[password]')
  .action(async (password?: string) => passwd(password));

program
  .command('keygen')
  .description('make an operator signing key (Ed25519) and print the config entry for gateways')
  .requiredOption('--kid <id>', 'key id, e.g. ops-zhang')
  .requiredOption('--out <file>', 'where to write the private key (mode 0600)')
  .option('--roles <roles>', 'roles for the printed config entry', 'broadcast,door,arm')
  .action((o: { kid: string; out: string; roles: string }) => keygen(o));

const send = program.command('send').description('send a signed command to gateways and print their replies');
send
  .command('ping')
  .description('ask gateways to answer (checks the whole command path)')
  .requiredOption('--broker <url>', 'township broker URL, e.g. mqtts://township.example:8883')
  .requiredOption('--township <code>', 'township code')
  .requiredOption('--target <gateway>', 'a gateway id, or "all"')
  .requiredOption('--key <file>', 'operator private key (from vgw keygen)')
  .requiredOption('--kid <id>', 'key id the gateways know')
  .option('--by <operator>', 'operator name recorded with the command', process.env.USER ?? 'operator')
  .option('--expires <seconds>', 'command lifetime', Number, 300)
  .option('--timeout <seconds>', 'how long to wait for replies', Number, 10)
  .option('--expect <ids>', 'comma-separated gateway ids expected to answer (for "all")')
  .option('--username <user>', 'broker username')
  .option('--password-file <file>', 'file holding the broker password')
  .option('--ca <file>', 'CA certificate of the broker')
  .addOption(new Option('--protocol <version>', 'MQTT protocol version').choices(['4', '5']).default('5'))
  .action(async (o) => {
    process.exitCode = await sendCommand('ping', {}, o);
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof GatewayError) {
    process.stderr.write(`vgw: ${err.message}\n(${err.code})\n`);
    process.exit(2);
  }
  process.stderr.write(`vgw: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

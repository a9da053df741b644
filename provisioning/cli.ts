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
import { say } from './commands/say.js';
import { withBrokerOptions } from './commands/broker-options.js';
import { addEventsCommand } from './commands/events.js';
import { addMonitorCommand } from './commands/monitor.js';
import { sendCommand, type SendOptions } from './commands/send.js';
import { broadcastParams, ids, intIn, time, type BroadcastFlags } from './commands/send-params.js';

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

program
  .command('say')
  .description('speak a notice on this box\'s loudspeaker, to test it (本机喇叭试播)')
  .argument('<text>', 'the notice, e.g. "村民请注意"')
  .option('-c, --config <file>', 'YAML config file (its loudspeaker, volume and voice); ALSA defaults without it')
  .option('--speaker <id>', 'which loudspeaker of the config')
  .option('--volume <percent>', 'volume 0-100', intIn(0, 100))
  .option('--voice <voice>', 'espeak-ng voice instead of the one chosen automatically')
  .option('--dry-run', 'render the speech and print the command lines instead of playing')
  .action(async (text: string, o: { config?: string; speaker?: string; volume?: number; voice?: string; dryRun?: boolean }) => {
    process.exitCode = await say(text, o);
  });

const send = program.command('send').description('send a signed command to gateways and print their replies');
/** Options every `send` subcommand takes: where, to whom, signed by whom, how long to wait. */
const sendOptions = (cmd: Command): Command =>
  withBrokerOptions(cmd)
    .requiredOption('--township <code>', 'township code')
    .requiredOption('--target <gateway>', 'a gateway id, or "all"')
    .requiredOption('--key <file>', 'operator private key (from vgw keygen)')
    .requiredOption('--kid <id>', 'key id the gateways know')
    .option('--by <operator>', 'operator name recorded with the command', process.env.USER ?? 'operator')
    .option('--expires <seconds>', 'command lifetime', Number, 300)
    .option('--timeout <seconds>', 'how long to wait for replies', Number, 10)
    .option('--expect <ids>', 'comma-separated gateway ids expected to answer (for "all")');
/** Signs and sends `name` with the parameters built from the flags; a flag mistake exits 2 before sending. */
const sendAction = <T>(name: string, params: (o: T) => Record<string, unknown>) => async (o: SendOptions & T, cmd: Command) => {
  let p: Record<string, unknown> = {};
  try {
    p = params(o);
  } catch (err) {
    cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
  }
  process.exitCode = await sendCommand(name, p, o);
};

sendOptions(send.command('ping').description('ask gateways to answer (checks the whole command path)')).action(sendAction('ping', () => ({})));

sendOptions(send.command('broadcast').description('play a notice on village loudspeakers (大喇叭): speech, a stored sound, or an audio URL'))
  .option('--text <text>', 'text to speak (Mandarin text-to-speech)')
  .option('--sound <name>', 'a sound stored on the gateways')
  .option('--url <url>', 'audio file to download (needs --sha256)')
  .option('--sha256 <hex>', 'SHA-256 of the --url file')
  .option('--max-bytes <n>', 'largest --url download accepted', intIn(1, 2 ** 31))
  .addOption(new Option('--priority <level>', 'emergency preempts what is playing').choices(['emergency', 'normal']).default('normal'))
  .option('--at <time>', 'play at this time, e.g. 2026-11-24T07:30 (local)', time)
  .option('--repeat <n>', 'times to play', intIn(1, 100))
  .option('--interval <seconds>', 'pause between repeats', intIn(1, 86_400))
  .option('--volume <percent>', 'volume 0-100', intIn(0, 100))
  .option('--speakers <ids>', 'only these speakers (comma-separated)', ids)
  .action(sendAction('broadcast', (o: BroadcastFlags) => broadcastParams(o)));

sendOptions(send.command('unlock').description('open a door for some seconds (door.unlock)'))
  .requiredOption('--door <id>', 'door id in the gateway config')
  .option('--seconds <n>', 'how long it stays unlocked', intIn(1, 600), 5)
  .action(sendAction('door.unlock', (o: { door: string; seconds: number }) => ({ door: o.door, seconds: o.seconds })));

for (const [sub, name, what] of [['arm', 'zone.arm', 'arm alarm zones (布防)'], ['disarm', 'zone.disarm', 'disarm alarm zones (撤防)']] as const) {
  sendOptions(send.command(sub).description(`${what} (${name})`))
    .requiredOption('--zones <ids>', 'zone ids (comma-separated)', ids)
    .action(sendAction(name, (o: { zones: string[] }) => ({ zones: o.zones })));
}

addMonitorCommand(program);
addEventsCommand(program);

program.parseAsync().catch((err: unknown) => {
  if (err instanceof GatewayError) {
    process.stderr.write(`vgw: ${err.message}\n(${err.code})\n`);
    process.exit(2);
  }
  process.stderr.write(`vgw: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

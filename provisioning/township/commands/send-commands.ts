/**
 * The `vgw send` subcommands: one for every command a gateway registers (contract, "Commands"), named
 * for the operator (`arm`) with the contract's name as its alias (`zone.arm`), so `vgw send --help`,
 * the README and the gateway stay in step (a test compares them with the gateway's router). The MQTT
 * client and the signing code (send.ts) are imported only when a command is sent (issue 14).
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { withBrokerOptions } from '../../commands/broker-options.js';
import { MAX_TIMER_SEC, numberOption } from '../../commands/cli-numbers.js';
import type { SendOptions } from './send.js';
import { broadcastParams, ids, intIn, time, uuid, type BroadcastFlags } from './send-params.js';

/** Longest command lifetime `vgw send` signs; a gateway refuses more than its commands.maxLifetimeSec. */
const MAX_EXPIRES_SEC = 7 * 24 * 3600;

/** Options every `send` subcommand takes: where, to whom, signed by whom, how long to wait. */
const sendOptions = (cmd: Command): Command =>
  withBrokerOptions(cmd)
    .requiredOption('--township <code>', 'township code')
    .requiredOption('--target <gateway>', 'a gateway id, or "all"')
    .requiredOption('--key <file>', 'operator private key (from vgw keygen)')
    .requiredOption('--kid <id>', 'key id the gateways know')
    .option('--by <operator>', 'operator name recorded with the command', process.env.USER ?? 'operator')
    .addOption(numberOption('--expires <seconds>', 'command lifetime in seconds', { min: 1, max: MAX_EXPIRES_SEC, whole: true, unit: 'seconds', example: 300, default: 300 }))
    .addOption(numberOption('--timeout <seconds>', 'how long to wait for replies, in seconds', { min: 1, max: MAX_TIMER_SEC, unit: 'seconds', example: 10, default: 10 }))
    .option('--expect <ids>', 'comma-separated gateway ids expected to answer (for "all")');

/** Signs and sends `name` with the parameters built from the flags; a flag mistake exits 2 before sending. */
const sendAction = <T>(name: string, params: (o: T) => Record<string, unknown>) => async (o: SendOptions & T, cmd: Command) => {
  let p: Record<string, unknown> = {};
  try {
    p = params(o);
  } catch (err) {
    cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
  }
  const { sendCommand } = await import('./send.js');
  process.exitCode = await sendCommand(name, p, o);
};

/** A command's parameters from a JSON file (an object); a mistake names the file and what is wrong. */
function jsonParams(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--file ${file}: ${(err as Error).message}; give a JSON file of the command's parameters`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`--file ${file}: not a JSON object; give {"mode":"full",...} or {"mode":"delta",...}`);
  return value as Record<string, unknown>;
}

/** `vgw send <sub>` for contract command `name`: the alias is the contract's name when it differs. */
function sub(send: Command, name: string, contractName: string, description: string, hidden = false): Command {
  const cmd = send.command(name, { hidden }).description(contractName === name ? description : `${description} (${contractName})`);
  if (contractName !== name) cmd.alias(contractName);
  return sendOptions(cmd);
}

export function addSendCommands(program: Command): void {
  const send = program.command('send').description('send a signed command to gateways and print their replies');

  sub(send, 'ping', 'ping', 'ask gateways to answer (checks the whole command path)').action(sendAction('ping', () => ({})));

  sub(send, 'broadcast', 'broadcast', 'play a notice on village loudspeakers (大喇叭): speech, a stored sound, or an audio URL')
    .option('--text <text>', 'text to speak (Mandarin text-to-speech)')
    .option('--sound <name>', 'a sound stored on the gateways')
    .option('--url <url>', 'audio file to download (needs --sha256)')
    .option('--sha256 <hex>', 'SHA-256 of the --url file')
    .addOption(numberOption('--max-bytes <n>', 'largest --url download accepted, in bytes', { min: 1, max: 2 ** 31, whole: true, example: 20_000_000 }))
    .addOption(new Option('--priority <level>', 'emergency preempts what is playing').choices(['emergency', 'normal']).default('normal'))
    .option('--at <time>', 'play at this time, e.g. 2026-11-24T07:30 (local)', time)
    .addOption(numberOption('--repeat <n>', 'times to play', { min: 1, max: 100, whole: true, example: 2 }))
    .addOption(numberOption('--interval <seconds>', 'pause between repeats, in seconds', { min: 1, max: 86_400, whole: true, unit: 'seconds', example: 60 }))
    .addOption(numberOption('--volume <percent>', 'volume', { min: 0, max: 100, whole: true, example: 80 }))
    .option('--speakers <ids>', 'only these speakers (comma-separated)', ids)
    .action(sendAction('broadcast', (o: BroadcastFlags) => broadcastParams(o)));

  sub(send, 'broadcast.cancel', 'broadcast.cancel', 'stop a queued or playing notice')
    .requiredOption('--broadcast-id <id>', 'the command id `vgw send broadcast` printed ("sent broadcast <id> …")', uuid)
    .action(sendAction('broadcast.cancel', (o: { broadcastId: string }) => ({ broadcastId: o.broadcastId })));

  sub(send, 'unlock', 'door.unlock', 'open a door for some seconds (远程开门); needs the door role')
    .requiredOption('--door <id>', 'door id in the gateway config')
    .option('--seconds <n>', 'how long it stays unlocked (1-30)', intIn(1, 30), 5)
    .action(sendAction('door.unlock', (o: { door: string; seconds: number }) => ({ door: o.door, seconds: o.seconds })));

  sub(send, 'access-sync', 'access.sync', 'send the access whitelist (白名单), full or a delta; needs the admin role')
    .requiredOption('--file <json>', 'the parameters as JSON: {"mode":"full","version",...} or {"mode":"delta","baseVersion",...} (docs/schemas/access-sync.json)')
    .action(sendAction('access.sync', (o: { file: string }) => jsonParams(o.file)));
  // Hidden: only a gateway with an `opcua` device registers opcua.write (issue 15); others answer `rejected (invalid)`.
  sub(send, 'opcua-write', 'opcua.write', 'write a value to an OPC UA item marked writable (role admin)', true)
    .requiredOption('--device <id>', 'the opcua device id in the gateway config')
    .requiredOption('--item <name>', 'the item name in that device\'s items')
    .requiredOption('--value <value>', 'true, false, a number, or text')
    .action(sendAction('opcua.write', (o: { device: string; item: string; value: string }) => ({ device: o.device, item: o.item, value: plainValue(o.value) })));

  for (const [name, contractName, what] of [['arm', 'zone.arm', 'arm alarm zones (布防)'], ['disarm', 'zone.disarm', 'disarm alarm zones (撤防)']] as const) {
    sub(send, name, contractName, what)
      .requiredOption('--zones <ids>', 'zone ids (comma-separated)', ids)
      .action(sendAction(contractName, (o: { zones: string[] }) => ({ zones: o.zones })));
  }
}

/** A `--value` as JSON would read it: `true`, `false` and numbers as such, anything else as text. */
function plainValue(text: string): boolean | number | string {
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

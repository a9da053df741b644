/** Command-line options for reaching the township broker, shared by `vgw send` and `vgw monitor`. */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CliError } from './cli-error.js';

export interface BrokerOptions {
  broker: string;
  username?: string;
  passwordFile?: string;
  ca?: string;
  protocol: string;
}

export function withBrokerOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--broker <url>', 'township broker URL, e.g. mqtts://township.example:8883')
    .option('--username <user>', 'broker username')
    .option('--password-file <file>', 'file holding the broker password')
    .option('--ca <file>', 'CA certificate of the broker')
    .addOption(new Option('--protocol <version>', 'MQTT protocol version').choices(['4', '5']).default('5'));
}

/** A file an option names, or one line naming the option, the file and the reason. */
function readOption(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${flag} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`, 2, { cause: err });
  }
}

/** Credentials and protocol for mqtt.js, read from the files the options name. */
export function brokerAuth(o: BrokerOptions): { username: string | undefined; password: string | undefined; ca: Buffer | undefined; protocolVersion: 4 | 5 } {
  return {
    username: o.username,
    password: o.passwordFile ? readOption('--password-file', o.passwordFile).toString('utf8').trim() : undefined,
    ca: o.ca ? readOption('--ca', o.ca) : undefined,
    protocolVersion: o.protocol === '4' ? 4 : 5,
  };
}

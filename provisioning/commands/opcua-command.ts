/**
 * `vgw opcua browse URL`: the installer's look into an OPC UA server, to find the NodeIds for a
 * device's `items`. node-opcua is imported only when the command runs (./opcua-browse.ts), so every
 * other `vgw` command, the daemon's `vgw run` above all, never loads it (issue 15). The flag checks
 * import the driver's config schema only when the command runs: defining it loads neither (issue 14).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { SecuritySpec } from '../../device-drivers/opcua/ipc.js';
import { CliError } from './cli-error.js';
import { MAX_TIMER_SEC, numberOption } from './cli-numbers.js';

export function addOpcuaCommand(program: Command): void {
  const opcua = program.command('opcua').description('OPC UA tools for installers');
  opcua
    .command('browse')
    .description('list an OPC UA server\'s nodes with their NodeIds, browse paths and live values')
    .argument('<url>', 'the server endpoint, e.g. opc.tcp://192.168.1.50:4840')
    .option('--user <name>', 'log in as this user (else anonymous)')
    .option('--password-file <file>', 'file holding the password of --user')
    .option('--security <mode/policy>', 'None, Sign/Basic256Sha256 or SignAndEncrypt/Basic256Sha256', 'None')
    .option('-c, --config <file>', "use this gateway's certificate ({dataDir}/opcua-pki), so a server that trusts the gateway trusts the browse too")
    .addOption(numberOption('--depth <levels>', 'how deep under Objects to go', { min: 1, max: 20, whole: true, example: 4, default: 5 }))
    .addOption(numberOption('--max-nodes <n>', 'stop listing after this many nodes', { min: 1, max: 100_000, whole: true, example: 500, default: 500 }))
    .addOption(numberOption('--watch <seconds>', 'then show value changes of the listed variables for this long', { min: 1, max: MAX_TIMER_SEC, unit: 'seconds', example: 30 }))
    .action(async (url: string, o: BrowseFlags) => {
      // The flags are checked before node-opcua is loaded: a typo is answered at once.
      if (!/^opc\.tcp:\/\/\S+$/.test(url)) throw new CliError(`"${url}" is not an OPC UA URL; give one like opc.tcp://192.168.1.50:4840`, 2);
      const input: BrowseInput = { ...o, security: await parseSecurity(o.security), password: password(o) };
      const { browse } = await import('./opcua-browse.js');
      process.exitCode = await browse(url, input);
    });
}

/** The flags of `vgw opcua browse`. */
export interface BrowseFlags {
  user?: string | undefined;
  passwordFile?: string | undefined;
  security: string;
  config?: string | undefined;
  depth: number;
  maxNodes: number;
  watch?: number | undefined;
}

/** The flags once checked: the security parsed, the password read. */
export type BrowseInput = Omit<BrowseFlags, 'security'> & { security: SecuritySpec; password: string | undefined };

async function parseSecurity(text: string): Promise<SecuritySpec> {
  const { securitySchema } = await import('../../device-drivers/opcua/config.js');
  const [mode, policy = mode === 'None' ? 'None' : 'Basic256Sha256'] = text.split('/');
  const parsed = securitySchema.safeParse({ mode, policy });
  if (!parsed.success) throw new CliError(`--security "${text}": ${parsed.error.issues.map((i) => i.message).join('; ')}; use None, Sign/Basic256Sha256 or SignAndEncrypt/Basic256Sha256`, 2);
  return parsed.data;
}

function password(o: BrowseFlags): string | undefined {
  if (!o.user) {
    if (o.passwordFile) throw new CliError('--password-file needs --user (the user whose password it holds)', 2);
    return undefined;
  }
  if (!o.passwordFile) throw new CliError(`--user ${o.user} needs --password-file: a file (mode 0600) holding the password`, 2);
  try {
    return readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new CliError(`--password-file "${o.passwordFile}" cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 2);
  }
}

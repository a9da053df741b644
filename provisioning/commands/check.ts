/**
 * `vgw check`: validates the config, the files it names and the operator keys, then (unless
 * `--offline`) connects to the township broker once, exactly as the gateway would, and says what to fix.
 */
import { accessSync, constants } from 'node:fs';
import { connectAsync } from 'mqtt';
import { asCorruptDbMessage, inspectDb } from '../../cloud-bridge/db.js';
import { uplinkCredentials } from '../../cloud-bridge/uplink-credentials.js';
import { loadPublicKey } from '../../gateway/commands/signing.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import type { Config } from '../../gateway/config/schema.js';

type Print = (line: string) => void;

function unreadable(config: Config): string[] {
  const files: [string, string | undefined][] = [
    ['uplink.passwordFile', config.uplink.passwordFile],
    ['uplink.tls.ca', config.uplink.tls?.ca],
    ['uplink.tls.cert', config.uplink.tls?.cert],
    ['uplink.tls.key', config.uplink.tls?.key],
    ['localBroker.tls.cert', config.localBroker.tls?.cert],
    ['localBroker.tls.key', config.localBroker.tls?.key],
  ];
  const problems: string[] = [];
  for (const [key, file] of files) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      problems.push(`${key}: cannot read "${file}" (${(err as NodeJS.ErrnoException).code}); check the path and that the gateway's user may read it`);
    }
  }
  return problems;
}

/** Issue 8 D: a damaged database file, found read-only before the gateway would refuse to start on it. */
function databaseProblems(config: Config): string[] {
  const found = inspectDb(config.gateway.dataDir);
  if (found.state !== 'corrupt') return [];
  return [`gateway.dataDir: ${asCorruptDbMessage(config.gateway.dataDir, found.problem)}`];
}

/** What an installer should try for a failed township connection. */
function hint(err: Error): string {
  const text = `${err.message} ${(err as { code?: unknown }).code ?? ''}`;
  if (/Not authorized|Bad user/i.test(text)) return 'the township refused the username/password: check uplink.username and uplink.passwordFile with the township';
  if (/certificate|self.signed|unable to verify|CERT/i.test(text)) return "the township's certificate is not trusted: set uplink.tls.ca to the township CA file";
  if (/ECONNREFUSED/.test(text)) return 'nothing listens at that address: check uplink.url (host and port)';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'the host name does not resolve: check uplink.url and the box\'s DNS';
  if (/timeout|ETIMEDOUT/i.test(text)) return 'no answer: check the network route to the township (4G router, firewall)';
  return 'see the error above';
}

export async function checkConfig(file: string, o: { offline?: boolean } = {}, print: Print = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const config = loadConfigFile(file);
  const problems = unreadable(config);
  problems.push(...databaseProblems(config));
  for (const op of config.commands.operators) {
    try {
      loadPublicKey(op.publicKey);
    } catch (err) {
      problems.push(`commands.operators (kid ${op.kid}).publicKey: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) {
    for (const p of problems) print(`PROBLEM ${p}`);
    return 2;
  }
  print(`config OK: gateway ${config.gateway.id}, township ${config.gateway.township}, ${config.devices.length} devices, ${config.commands.operators.length} operator keys (配置正确)`);
  if (o.offline) return 0;
  try {
    const client = await connectAsync(config.uplink.url, {
      ...uplinkCredentials(config.uplink),
      // A different client id, so the check does not kick a running gateway off the township broker.
      clientId: `${config.gateway.id}-check`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    await client.endAsync();
    print(`township broker OK: connected to ${config.uplink.url} (乡镇平台连接正常)`);
    return 0;
  } catch (err) {
    print(`PROBLEM uplink: cannot connect to ${config.uplink.url}: ${(err as Error).message}`);
    print(`  fix: ${hint(err as Error)}`);
    return 1;
  }
}

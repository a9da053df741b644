/**
 * `vgw check`: validates the config, the files it names and the operator keys, checks the box (data
 * directory, local port, GPIO, sound card, clock: box-checks.ts), then (unless `--offline`) connects
 * to the township broker once, exactly as the gateway would, and says what to fix.
 */
import { accessSync, constants } from 'node:fs';
import { connectAsync } from 'mqtt';
import { connectHint } from '../../cloud-bridge/connect-hints.js';
import { asCorruptDbMessage, inspectDb } from '../../cloud-bridge/db.js';
import { uplinkCredentials } from '../../cloud-bridge/uplink-credentials.js';
import { loadPublicKey } from '../../gateway/kernel/signing.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import type { Config } from '../../gateway/config/schema.js';
import { checkBox, type BoxEnv } from './box-checks.js';

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

function badOperatorKeys(config: Config): string[] {
  const problems: string[] = [];
  for (const op of config.commands.operators) {
    try {
      loadPublicKey(op.publicKey);
    } catch (err) {
      problems.push(`commands.operators (kid ${op.kid}).publicKey: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** Checks of what the config file names; each returns its problems (exit 2). Add new ones here. */
const CONFIG_CHECKS: readonly ((config: Config) => string[])[] = [unreadable, databaseProblems, badOperatorKeys];

export async function checkConfig(file: string, o: { offline?: boolean } = {}, print: Print = (l) => process.stdout.write(`${l}\n`), box?: BoxEnv): Promise<number> {
  const config = loadConfigFile(file);
  const problems = CONFIG_CHECKS.flatMap((check) => check(config));
  if (problems.length > 0) {
    for (const p of problems) print(`PROBLEM ${p}`);
    return 2;
  }
  print(`config OK: gateway ${config.gateway.id}, township ${config.gateway.township}, ${config.devices.length} devices, ${config.commands.operators.length} operator keys (配置正确)`);
  let failed = false;
  for (const v of await checkBox(config, box)) {
    print(v.ok ? `${v.what} OK: ${v.line}` : `PROBLEM ${v.what}: ${v.line}`);
    failed ||= !v.ok;
  }
  if (!o.offline && !(await checkUplink(config, print))) failed = true;
  return failed ? 1 : 0;
}

/** Connects to the township broker once, exactly as the gateway would; false (with the fix printed) when it cannot. */
async function checkUplink(config: Config, print: Print): Promise<boolean> {
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
    return true;
  } catch (err) {
    print(`PROBLEM uplink: cannot connect to ${config.uplink.url}: ${(err as Error).message}`);
    print(`  fix: ${await connectHint(err as Error, config.uplink)}`);
    return false;
  }
}

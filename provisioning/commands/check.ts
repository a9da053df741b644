/**
 * `vgw check`: validates the config, the files it names and the operator keys, checks the box (data
 * directory, local port, GPIO, sound card, clock: box-checks.ts; disk, certificates, operator keys:
 * check-lines.ts), then (unless `--offline`) the township (check-township.ts), and says what to fix —
 * in the installer's language, or as JSON (`--json`). Exit 0 only when nothing is a problem.
 */
import { accessSync, constants } from 'node:fs';
import { asCorruptDbMessage, inspectDb } from '../../cloud-bridge/db.js';
import { loadPublicKey } from '../../gateway/kernel/signing.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import type { Config } from '../../gateway/config/schema.js';
import { output, type Out } from '../i18n/i18n.js';
import { checkBox, type BoxEnv } from './box-checks.js';
import { certChecks, diskCheck, fromVerdict, namedFiles, operatorCheck, printChecks, type CheckLine } from './check-lines.js';
import { pinChecks } from './check-pins.js';
import { checkTownship } from './check-township.js';
import { runningGateway } from './daemon-running.js';

function unreadable(config: Config): string[] {
  const problems: string[] = [];
  for (const [key, file] of namedFiles(config)) {
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

/** `vgw check`'s flags. */
export interface CheckOptions {
  offline?: boolean;
  json?: boolean;
}

export async function checkConfig(file: string, o: CheckOptions = {}, out: Out = output('en'), box: BoxEnv = { env: process.env, asoundCards: '/proc/asound/cards', ...(process.env.VGW_SYSFS_GPIO ? { sysfsRoot: process.env.VGW_SYSFS_GPIO } : {}) }): Promise<number> {
  const config = loadConfigFile(file);
  const problems = CONFIG_CHECKS.flatMap((check) => check(config));
  if (problems.length > 0) {
    if (o.json) printChecks(problems.map((p) => ({ what: 'config', status: 'problem', line: p })), true, out);
    else for (const p of problems) out.line('check.config.problem', { problem: p });
    return 2;
  }
  const lines: CheckLine[] = [{ what: 'config', status: 'ok', line: out.t('check.config.ok', { id: config.gateway.id, township: config.gateway.township, devices: config.devices.length, keys: config.commands.operators.length }) }];
  if (!o.json) out.line('check.config.okLine', { line: lines[0]!.line });
  const more = [...(await checkBox(config, box)).map((v) => fromVerdict(v, out))];
  const disk = diskCheck(config, out);
  if (disk) more.push(disk);
  more.push(...pinChecks(config, out, box.sysfsRoot), ...certChecks(config, out), operatorCheck(config, out));
  if (!o.offline) more.push(...(await checkTownship(config, runningGateway(config.gateway.dataDir) !== null, out)));
  lines.push(...more);
  printChecks(o.json ? lines : more, Boolean(o.json), out);
  return lines.some((l) => l.status === 'problem') ? 1 : 0;
}

/**
 * Issue 14: a kind's driver code and libraries load only when a device of that kind is configured. A
 * gateway with only MQTT devices runs as `vgw run` in a child process whose imports are recorded
 * (test/support/import-recorder.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayProcess } from '../support/gateway-process.js';
import { freePort } from '../support/ports.js';
import { until } from '../support/wait.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const RECORDER = join(ROOT, 'test/support/import-recorder.ts');

/**
 * Code of kinds other than mqtt, and the libraries only they use. Allowed: what the config schema and
 * the checks read (index, config and the small tables they import) and the OPC UA seam, which forks
 * its child only when a driver first asks.
 */
const NEVER = [
  /\/device-drivers\/(camera|uhppote|uhppote-door|opcua|door|relay|alarm-input|reader|ip-speaker)\/(?!(index|config|events|door-signal|zoned-time|windows|host)\.)/,
  /\/device-drivers\/loudspeaker\/loudspeaker\./,
  /\/node_modules\/(fast-xml-parser|node-opcua[^/]*|onoff)\//,
];

let stop: (() => void) | null = null;
afterEach(() => stop?.());

describe('driver code', () => {
  it('a gateway with only MQTT devices never loads another kind\'s code or libraries', async () => {
    const gw = await GatewayProcess.prepare({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, devices: [{ id: 'panel-1', password: 'pw-1', category: 'door' }] });
    const logFile = join(gw.dataDir, 'modules.log');
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, join(ROOT, 'provisioning/cli.ts'), 'run', '--config', gw.configFile], { cwd: ROOT, env: { ...process.env, VGW_IMPORT_RECORD: logFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    stop = () => child.kill('SIGKILL');
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    await until('the gateway to start or exit', () => output.includes('"msg":"gateway started"') || child.exitCode !== null, 30_000);
    expect(output).toContain('"msg":"gateway started"');
    // "importer<TAB>imported" lines: what was loaded is the second.
    const loaded = readFileSync(logFile, 'utf8').split('\n').map((l) => l.split('\t')[1] ?? '');
    // The log works: the mqtt kind's driver and its schema-only neighbours are in it.
    expect(loaded.some((u) => u.endsWith('/device-drivers/mqtt/mqtt-device.ts'))).toBe(true);
    expect(loaded.some((u) => u.endsWith('/device-drivers/camera/index.ts'))).toBe(true);
    expect(loaded.filter((u) => NEVER.some((re) => re.test(u)))).toEqual([]);
  });
});

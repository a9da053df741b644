/**
 * `vgw run` logs (issue 8, finding 26): readable lines on a terminal, pino JSON when stdout is a pipe
 * (journald, a collector, these tests). The terminal is a real pseudo-terminal made by `script`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { prettyLine } from '../../gateway/kernel/log.js';
import { buildConfig } from '../support/gateway-fixture.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';
import { ROOT } from '../support/vgw-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-runlog-'));

async function configFile(): Promise<string> {
  const file = join(dir, `gw-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(await buildConfig({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, dataDir: mkdtempSync(join(dir, 'data-')), gatewayId: '370283104-log-01', devices: [] })));
  return file;
}

/** `vgw run` for 6 s (then SIGINT), on a terminal when `tty`; resolves what it printed. */
function run(file: string, tty: boolean): Promise<string> {
  const vgw = `timeout -s INT 6 ${process.execPath} --import tsx ${join(ROOT, 'provisioning/cli.ts')} run --config ${file}`;
  const [cmd, args] = tty ? ['script', ['-qec', vgw, '/dev/null']] : ['sh', ['-c', vgw]];
  const env = { ...process.env };
  delete env.NO_COLOR;
  return new Promise((resolve) => execFile(cmd as string, args as string[], { cwd: ROOT, env, timeout: 30_000 }, (_err, stdout) => resolve(stdout)));
}

describe('vgw run logs', () => {
  it.runIf(requireTools('script'))('are readable lines on a terminal and JSON on a pipe', async () => {
    const [onTty, onPipe] = await Promise.all([configFile().then((f) => run(f, true)), configFile().then((f) => run(f, false))]);
    expect(onTty).toMatch(/^\S*\d\d:\d\d:\d\d\.\d{3}\S* \S*INFO \S* .*gateway started/m);
    expect(onTty).not.toMatch(/\{"level":/);
    const json = onPipe.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(json.map((l) => l.msg)).toContain('gateway started');
  }, 40_000);

  it('prints a line with its component, message, fields, and an error with its stack', () => {
    const t = '2026-11-24T07:30:01.250+08:00';
    expect(prettyLine(JSON.stringify({ level: 40, time: t, pid: 1, component: 'uplink', msg: 'uplink error', attempt: 3, url: 'mqtt://t:1883', note: 'two words' }), false)).toMatch(/^\d\d:\d\d:\d\d\.250 WARN {2}uplink: uplink error attempt=3 url=mqtt:\/\/t:1883 note="two words"\n$/);
    const err = prettyLine(JSON.stringify({ level: 50, time: t, msg: 'stop failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (x.ts:1:1)' } }), false);
    expect(err).toMatch(/ERROR stop failed\n {4}Error: boom\n {4}at f \(x\.ts:1:1\)\n$/);
    expect(prettyLine(JSON.stringify({ level: 40, time: t, msg: 'uplink error', err: 'connect ECONNREFUSED 127.0.0.1:1' }), false)).toMatch(/WARN {2}uplink error err="connect ECONNREFUSED 127\.0\.0\.1:1"\n$/);
    expect(prettyLine('not json', false)).toBe('not json');
  });
});

/**
 * Issue 14, item 3: `vgw` imports a command's work only when that command runs. Defining the commands
 * (what `vgw --help` loads) takes commander and the kernel's constants, none of the daemon, and `vgw
 * run` loads the daemon and those definitions, none of the other commands' code. Every import is
 * recorded by a module resolution hook (test/support/import-recorder.ts) in the real `vgw` process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../support/gateway-fixture.js';
import { freePort } from '../support/ports.js';
import { ROOT } from '../support/vgw-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-lazy-'));
const RECORDER = join(ROOT, 'test/support/import-recorder.ts');

/** One import: the importing module and the imported one, named by `moduleName`. */
interface Import {
  from: string | null;
  to: string;
}

/** A project file without its extension (sources and dist/ alike), `pkg:name` for a package, null for a builtin. */
function moduleName(url: string): string | null {
  if (url.startsWith('node:')) return null;
  const pkg = [...url.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1);
  if (pkg) return `pkg:${pkg[1]}`;
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  return relative(ROOT, path).replace(/^dist\//, '').replace(/\.[cm]?[jt]s$/, '');
}

/**
 * Runs `vgw ...args` with the recorder and returns its imports; `started`, when given, is a line the
 * command prints once it has loaded what it needs, and the command is then stopped (SIGTERM).
 */
function recordImports(args: string[], started?: string): Promise<Import[]> {
  const file = join(dir, `imports-${args[0]}-${Date.now()}.tsv`);
  writeFileSync(file, '');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, join(ROOT, 'provisioning/cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, VGW_IMPORT_RECORD: file, VGW_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const seen = (d: Buffer): void => {
    output += d.toString();
    if (started && output.includes(started)) child.kill('SIGTERM');
  };
  child.stdout.on('data', seen);
  child.stderr.on('data', seen);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (started ? !output.includes(started) : code !== 0) return reject(new Error(`vgw ${args.join(' ')} exited ${code}:\n${output}`));
      const imports = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
        const [from = '', to = ''] = line.split('\t');
        return { from: from ? moduleName(from) : null, to: moduleName(to) };
      });
      resolve(imports.filter((i): i is Import => i.to !== null));
    });
  });
}

const DAEMON_LAYERS = /^(gateway|cloud-bridge|device-drivers)\//;

/** The modules of the daemon: those of its layers, and everything they import, to the end. */
function daemonModules(imports: Import[]): Set<string> {
  const found = new Set(imports.map((i) => i.to).filter((m) => DAEMON_LAYERS.test(m)));
  const queue = [...found];
  for (let m = queue.pop(); m !== undefined; m = queue.pop()) {
    for (const i of imports) {
      if (i.from === m && !found.has(i.to)) {
        found.add(i.to);
        queue.push(i.to);
      }
    }
  }
  return found;
}

const loaded = (imports: Import[]): Set<string> => new Set(imports.map((i) => i.to));

/** Modules that do a command's work, one or more per command (a sample: the rules above cover the rest). */
const WORK = [
  'provisioning/commands/check', 'provisioning/commands/demo', 'provisioning/demo/township-broker', 'provisioning/commands/init', 'provisioning/commands/device-edit',
  'provisioning/commands/say', 'provisioning/commands/status', 'provisioning/commands/access-log', 'provisioning/commands/camera-probe',
  'provisioning/township/commands/send', 'provisioning/township/commands/monitor', 'provisioning/township/commands/events', 'provisioning/township/archive/open',
  'provisioning/township/commands/report-monthly', 'pkg:uqr',
];

describe('vgw loads a command only when it runs (issue 14)', () => {
  it('defines every command from commander and the kernel alone, and vgw run loads the daemon and those definitions only', async () => {
    const config = join(dir, 'vgw.yaml');
    writeFileSync(config, stringify(await buildConfig({ uplinkUrl: `mqtt://127.0.0.1:${await freePort()}`, dataDir: mkdtempSync(join(dir, 'data-')), gatewayId: '370283104-lazy-01', devices: [{ id: 'door-west', password: 'door-secret-22', category: 'door' }] })));
    const [help, run] = await Promise.all([recordImports(['--help']), recordImports(['run', '--config', config], '"msg":"gateway started"')]);
    const defined = loaded(help);
    const ran = loaded(run);
    // The hook saw the real work: the definitions in both, the daemon in `run`.
    expect(defined).toContain('provisioning/township/commands/send-commands');
    expect(ran).toContain('provisioning/township/commands/send-commands');
    expect([...ran]).toEqual(expect.arrayContaining(['gateway/main', 'gateway/create-gateway', 'pkg:aedes', 'pkg:commander']));

    const outsideDefinitions = [...defined].filter((m) => (m.startsWith('pkg:') && m !== 'pkg:commander') || (DAEMON_LAYERS.test(m) && !/^gateway\/(kernel\/|version$)/.test(m)));
    expect(outsideDefinitions, 'what defining the commands loads besides commander and gateway/kernel').toEqual([]);
    const daemon = daemonModules(run);
    expect([...ran].filter((m) => !daemon.has(m) && !defined.has(m)), 'what vgw run loads that is neither the daemon nor a definition').toEqual([]);
    for (const m of WORK) {
      expect(defined, `vgw --help loads ${m}`).not.toContain(m);
      expect(ran, `vgw run loads ${m}`).not.toContain(m);
    }
  }, 90_000);
});

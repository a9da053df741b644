/**
 * Issue 13, items 1 and 2: the systemd unit passes `systemd-analyze verify` and keeps its hardening,
 * the install script is clean under shellcheck and its --dry-run does the documented steps, and the
 * Dockerfile follows the rules below. hadolint is in neither Debian nor npm (the npm "hadolint" is a
 * wrapper that downloads a binary), so the Dockerfile's instructions are checked here.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeHealthz } from '../../gateway/ops/healthcheck.js';
import { VERSION } from '../../gateway/version.js';
import { startFixture } from '../support/gateway-fixture.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const UNIT = `${ROOT}provisioning/install/vgw.service`;
const INSTALL = `${ROOT}provisioning/install/install.sh`;
const LAUNCHER = `${ROOT}provisioning/bin/vgw`;
/** The node flags the launcher passes unless VGW_NODE_FLAGS says otherwise (issue 14, chosen by measurement). */
const DEFAULT_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=96'];

const hasShellcheck = requireTools('shellcheck');

/** shellcheck has nothing to say about the shell script `file`. */
function expectShellcheckClean(file: string): void {
  const r = spawnSync('shellcheck', [file], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}

/** `key=value` lines of an ini-style unit, the last one per key winning as systemd reads them. */
function unitKeys(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_]+)=(.*)$/.exec(line.trim());
    if (m) keys.set(m[1] as string, [...(keys.get(m[1] as string) ?? []), m[2] as string]);
  }
  return keys;
}

describe('systemd unit', () => {
  const hasAnalyze = requireTools('systemd-analyze');
  it.skipIf(!hasAnalyze)('passes systemd-analyze verify with no warning', () => {
    const r = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    expect(r.stderr.trim(), r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('is Type=notify with a watchdog, always restarts, is hardened, and keeps GPIO and audio reachable', () => {
    const k = unitKeys(readFileSync(UNIT, 'utf8'));
    const one = (key: string): string | undefined => k.get(key)?.at(-1);
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all'); // the ping's sender is a systemd-notify child
    expect(Number(one('WatchdogSec'))).toBeGreaterThanOrEqual(10);
    expect(one('Restart')).toBe('always');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ReadWritePaths')).toBe('/var/lib/vgw');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('SupplementaryGroups')?.split(/\s+/).sort()).toEqual(['audio', 'gpio']);
    expect(one('User')).toBe('vgw');
    // These would hide /dev/gpiochip*, /dev/snd or make /sys/class/gpio read-only.
    for (const key of ['PrivateDevices', 'DevicePolicy', 'DeviceAllow', 'ProtectKernelTunables', 'ProtectClock']) expect(k.has(key), key).toBe(false);
    // V8's JIT needs W+X pages.
    expect(k.has('MemoryDenyWriteExecute')).toBe(false);
    // Issue 14: started through the launcher, which sets the memory settings (tested below).
    expect(one('ExecStart')).toBe('/bin/sh /opt/vgw/provisioning/bin/vgw run --config /etc/vgw/vgw.yaml');
    expect(k.get('Environment')).toContain('VGW_NODE=/usr/bin/node');
  });
});

describe('vgw launcher', () => {
  it.skipIf(!hasShellcheck)('is clean under shellcheck', () => expectShellcheckClean(LAUNCHER));

  it('runs the CLI as the README shows it', () => {
    expect(readFileSync(`${ROOT}README.md`, 'utf8')).toContain('`provisioning/bin/vgw run --config ...`');
    // A scratch tree without dist/ (the launcher then runs the sources): the quick bench rebuilds this
    // checkout's dist/ while the suite runs (test/bench/bench-quick.test.ts), so no test may run it.
    const root = mkdtempSync(join(tmpdir(), 'vgw-launcher-real-'));
    mkdirSync(join(root, 'provisioning/bin'), { recursive: true });
    copyFileSync(LAUNCHER, join(root, 'provisioning/bin/vgw'));
    symlinkSync(`${ROOT}provisioning/cli.ts`, join(root, 'provisioning/cli.ts'));
    symlinkSync(`${ROOT}node_modules`, join(root, 'node_modules'));
    const r = spawnSync(join(root, 'provisioning/bin/vgw'), ['--version'], { encoding: 'utf8', env: { ...process.env, VGW_NODE: process.execPath } });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(VERSION);
    expect(r.status).toBe(0);
  });

  /** Runs a copy of the launcher in a scratch tree whose "node" prints its arguments and environment. */
  const launch = (withDist: boolean, env: Record<string, string> = {}, args = ['run', '--config', '/etc/vgw/vgw.yaml']): string[] => {
    const root = mkdtempSync(join(tmpdir(), 'vgw-launcher-'));
    mkdirSync(join(root, 'provisioning/bin'), { recursive: true });
    copyFileSync(LAUNCHER, join(root, 'provisioning/bin/vgw'));
    if (withDist) {
      mkdirSync(join(root, 'dist/provisioning'), { recursive: true });
      writeFileSync(join(root, 'dist/provisioning/cli.js'), '');
    }
    const fakeNode = join(root, 'node');
    writeFileSync(fakeNode, '#!/bin/sh\nprintf "%s\\n" "$@"\nenv | grep -E "^(MALLOC_|UV_)" | sort\n', { mode: 0o755 });
    const r = spawnSync('sh', [join(root, 'provisioning/bin/vgw'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', VGW_NODE: fakeNode, ...env } });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim().split('\n').map((l) => l.replace(root, '<root>'));
  };

  it('starts the compiled daemon with the measured node flags and malloc and libuv settings', () => {
    const out = launch(true);
    expect(out).toEqual([...DEFAULT_FLAGS, '<root>/dist/provisioning/cli.js', 'run', '--config', '/etc/vgw/vgw.yaml', 'MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=131072', 'UV_THREADPOOL_SIZE=2']);
  });

  it('gives the other commands node\'s own heap sizes (the township tools hold far more than the daemon)', () => {
    expect(launch(true, {}, ['monitor', '--help']).slice(0, 3)).toEqual(['<root>/dist/provisioning/cli.js', 'monitor', '--help']);
  });

  it('falls back to the sources through tsx without dist/, and lets the environment win', () => {
    const out = launch(false, { MALLOC_ARENA_MAX: '1', VGW_NODE_FLAGS: '--max-old-space-size=200' });
    expect(out.slice(0, 4)).toEqual(['--max-old-space-size=200', '--import', '<root>/node_modules/tsx/dist/loader.mjs', '<root>/provisioning/cli.ts']);
    expect(out).toContain('MALLOC_ARENA_MAX=1');
  });
});

describe('install script', () => {
  it.skipIf(!hasShellcheck)('is clean under shellcheck', () => expectShellcheckClean(INSTALL));

  it('--dry-run prints the user, directories, unit and systemctl steps and changes nothing', () => {
    const r = spawnSync('sh', [INSTALL, '--dry-run'], { encoding: 'utf8', env: { ...process.env, VGW_PREFIX: '/nonexistent/vgw-dry-run' } });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    // The user is created, or (a second run) has the groups added: either way gpio and audio.
    expect(out).toMatch(/would run: (useradd --system .*--groups gpio,audio vgw|usermod --append --groups gpio,audio vgw)/);
    expect(out).toContain('would run: install -d -m 0700 -o vgw -g vgw /var/lib/vgw');
    expect(out).toContain('would run: install -d -m 0750 -o root -g vgw /etc/vgw');
    expect(out).toContain('would run: install -m 0644 ');
    expect(out).toContain(' /etc/systemd/system/vgw.service');
    const order = ['systemctl daemon-reload', 'systemctl enable vgw', 'systemctl restart vgw'].map((s) => out.indexOf(`would run: ${s}`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(spawnSync('test', ['-e', '/nonexistent/vgw-dry-run']).status).toBe(1);
  });

  it('refuses an unknown option with a message naming it', () => {
    const r = spawnSync('sh', [INSTALL, '--dryrun'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--dryrun'");
  });
});

/** Dockerfile instructions, continuation lines joined: [stage index, keyword, arguments]. */
function instructions(text: string): { stage: number; op: string; args: string }[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let stage = -1;
  return joined.map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    if (op?.toUpperCase() === 'FROM') stage++;
    return { stage, op: (op ?? '').toUpperCase(), args: rest.join(' ') };
  });
}

describe('Dockerfile', () => {
  const ins = instructions(readFileSync(`${ROOT}Dockerfile`, 'utf8'));
  const froms = ins.filter((i) => i.op === 'FROM');
  const last = froms.length - 1;
  const runtime = ins.filter((i) => i.stage === last);

  it('is multi-stage on Node 22 slim with named stages', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f.args).toMatch(/^node:22-[a-z]+-slim(@sha256:[0-9a-f]{64})? AS [a-z]+$/);
    // Multi-arch by buildx --platform: a FROM pinned to one platform would break the other.
    for (const f of froms) expect(f.args).not.toContain('--platform');
  });

  it('builds native modules in the build stage and copies only compiled output into the runtime stage', () => {
    const build = ins.filter((i) => i.stage === 0);
    expect(build.some((i) => i.op === 'RUN' && /npm ci/.test(i.args))).toBe(true);
    expect(build.some((i) => i.op === 'RUN' && /npm run build/.test(i.args) && /npm prune --omit=dev/.test(i.args))).toBe(true);
    expect(runtime.some((i) => i.op === 'RUN' && /\bnpm (ci|install|i)\b|\bg\+\+|\bmake\b/.test(i.args))).toBe(false);
    const copies = runtime.filter((i) => i.op === 'COPY');
    for (const c of copies) expect(c.args).toMatch(/^--from=build /);
    const copied = copies.map((c) => c.args.split(/\s+/)[1]);
    expect(copied).toEqual(expect.arrayContaining(['/app/dist', '/app/node_modules']));
    // No sources: no TypeScript and no tsx loader at run time.
    for (const c of copied) expect(c).not.toMatch(/^\/app\/(gateway|cloud-bridge|device-drivers|provisioning\/cli)/);
    // Issue 14: the launcher, which runs dist/provisioning/cli.js with the memory settings.
    const entry = runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '';
    expect(entry).toBe('["/app/provisioning/bin/vgw"]');
    expect(copied).toContain('/app/provisioning/bin');
  });

  it('installs packages the lean way and has the audio, speech and gpiod tools', () => {
    for (const r of ins.filter((i) => i.op === 'RUN' && /apt-get install/.test(i.args))) {
      expect(r.args).toContain('apt-get update');
      expect(r.args).toContain('--no-install-recommends');
      expect(r.args).toContain('-y');
      expect(r.args).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*$/);
    }
    const rt = runtime.filter((i) => i.op === 'RUN').map((i) => i.args).join(' ');
    for (const pkg of ['espeak-ng', 'alsa-utils', 'mpg123', 'gpiod']) expect(rt).toMatch(new RegExp(`install [^&]*\\b${pkg}\\b`));
  });

  it('runs as a non-root user in gpio and audio, with a data volume, healthcheck, port and memory settings', () => {
    const user = runtime.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.some((i) => i.op === 'RUN' && new RegExp(`useradd .*--groups gpio,audio .*${user}`).test(i.args))).toBe(true);
    expect(runtime.find((i) => i.op === 'VOLUME')?.args).toContain('/var/lib/vgw');
    const hc = runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(hc).toMatch(/CMD \["node", "dist\/gateway\/ops\/healthcheck\.js"\]/);
    // The check reads the data dir from the config the container runs with; no TCP fallback port.
    const cmd = runtime.find((i) => i.op === 'CMD')?.args ?? '';
    const configFile = /--config", "([^"]+)"/.exec(cmd)?.[1];
    expect(runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ')).toContain(`VGW_CONFIG=${configFile}`);
    expect(readFileSync(`${ROOT}Dockerfile`, 'utf8')).not.toMatch(/VGW_MQTT_PORT|VGW_HEALTH_PORT/);
    expect(runtime.some((i) => i.op === 'EXPOSE' && /\b8080\b/.test(i.args))).toBe(true);
    expect(runtime.some((i) => i.op === 'EXPOSE' && /\b1883\b/.test(i.args))).toBe(true);
    // The launcher sets these (one place for the box and the image); an ENV here would hide its defaults.
    const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    for (const key of ['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'UV_THREADPOOL_SIZE', 'VGW_NODE_FLAGS']) expect(env).not.toContain(key);
    // USER comes before ENTRYPOINT, so the gateway never runs as root.
    expect(runtime.findIndex((i) => i.op === 'USER')).toBeLessThan(runtime.findIndex((i) => i.op === 'ENTRYPOINT'));
  });

  it('documents docker run / compose with the GPIO and sound device mounts', () => {
    const compose = readFileSync(`${ROOT}provisioning/install/compose.yaml`, 'utf8');
    for (const dev of ['/dev/gpiochip0', '/dev/snd', '/sys/class/gpio', '/var/lib/vgw']) expect(compose).toContain(dev);
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    expect(readme).toContain('## Running on the box (systemd, Docker)');
    expect(readme).toMatch(/docker run [^`]*--device \/dev\/snd/);
  });
});

describe('healthcheck probe', () => {
  const servers: { close: () => void }[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  const http = async (status: number): Promise<number> => {
    const port = await freePort();
    const s: Server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end());
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
    servers.push(s);
    return port;
  };

  it('is up on 200, down on 503, absent when nothing listens', async () => {
    expect(await probeHealthz({ port: await http(200) })).toBe('up');
    expect(await probeHealthz({ port: await http(503) })).toBe('down');
    expect(await probeHealthz({ port: await freePort() })).toBe('absent');
    expect(await probeHealthz({ socketPath: '/nonexistent/status.sock' })).toBe('absent');
  });

  it('as the image runs it (VGW_CONFIG), asks a real gateway\'s status socket, then fails once it stopped', async () => {
    const fx = await startFixture({ uplinkUrl: 'mqtt://127.0.0.1:1', override: { http: { uplinkDownSec: 3600 } } });
    const configFile = join(mkdtempSync(join(tmpdir(), 'vgw-hc-')), 'vgw.yaml');
    writeFileSync(configFile, `gateway:\n  id: ${fx.gatewayId}\n  dataDir: ${fx.dataDir}\n`);
    // Spawned without blocking: the gateway answering runs in this very process.
    const check = () =>
      new Promise<{ status: number; stdout: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', `${ROOT}gateway/ops/healthcheck.ts`], { encoding: 'utf8', env: { ...process.env, VGW_CONFIG: configFile }, timeout: 30_000 }, (err, stdout) =>
          resolve({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout }),
        );
      });
    try {
      const up = await check();
      expect(up.stdout).toContain('healthy (healthz up on');
      expect(up.status).toBe(0);
    } finally {
      await fx.gateway.stop();
    }
    const gone = await check();
    expect(gone.stdout).toContain('unhealthy (healthz absent');
    expect(gone.status).toBe(1);
  });
});

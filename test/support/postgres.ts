/**
 * A real PostgreSQL server for tests and the fleet benchmark (issue 16): a fresh cluster in a temporary
 * directory (`initdb`), started with `pg_ctl` on a free loopback port, stopped and deleted after.
 * Debian keeps the server binaries off PATH (/usr/lib/postgresql/N/bin), and PostgreSQL refuses to run as
 * root: as root the cluster belongs to the `postgres` user the package creates.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** The directory holding initdb and pg_ctl, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  // Through a symlink on PATH to the real bin directory, where createdb and pg_ctl sit beside it.
  if (onPath.status === 0 && onPath.stdout.trim()) return join(realpathSync(onPath.stdout.trim()), '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** True when a cluster can be made here; otherwise says so loudly (and throws under VGW_REQUIRE_TOOLS=1). */
export function requirePostgres(): boolean {
  if (postgresBinDir()) return true;
  const message = 'MISSING SYSTEM TOOL: PostgreSQL (initdb, pg_ctl) — these tests are SKIPPED. Install it (Debian: apt-get install -y postgresql) to run them.';
  if (process.env.VGW_REQUIRE_TOOLS === '1') throw new Error(`${message} VGW_REQUIRE_TOOLS=1 forbids skipping.`);
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return false;
}

export class PostgresServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'vgw-pg-'));
  port = 0;
  private readonly bin: string;
  private readonly asRoot = process.getuid?.() === 0;

  constructor() {
    const bin = postgresBinDir();
    if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
    this.bin = bin;
  }

  /** A connection URL for the `vgw` database. */
  get url(): string {
    return `postgres://vgw@127.0.0.1:${this.port}/vgw`;
  }

  private run(tool: string, args: string[]): string {
    const cmd = this.asRoot ? ['runuser', '-u', 'postgres', '--', join(this.bin, tool), ...args] : [join(this.bin, tool), ...args];
    const r = spawnSync(cmd[0] as string, cmd.slice(1), { encoding: 'utf8', cwd: this.dir });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  /** Creates the cluster (first call) and starts it. */
  async start(): Promise<void> {
    const data = join(this.dir, 'data');
    if (!this.port) {
      this.port = await freePort();
      if (this.asRoot) chownSync(this.dir, uidOf('postgres'), gidOf('postgres'));
      // Trust on loopback: a throwaway cluster that only this test reaches.
      this.run('initdb', ['-D', data, '-U', 'vgw', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
    }
    const opts = `-c listen_addresses=127.0.0.1 -c port=${this.port} -c unix_socket_directories=${this.dir} -c fsync=on -c max_connections=60`;
    this.run('pg_ctl', ['-D', data, '-o', opts, '-l', join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
    if (!this.created) this.run('createdb', ['-h', this.dir, '-p', String(this.port), '-U', 'vgw', 'vgw']);
    this.created = true;
  }

  private created = false;

  /** Stops the server; `immediate` is a crash (no checkpoint), recovered at the next start. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  /** Stops it if running and deletes the cluster. */
  destroy(): void {
    try {
      this.stop('immediate');
    } catch {
      // Not running.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function idOf(flag: '-u' | '-g', user: string): number {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`no "${user}" user: PostgreSQL's Debian package creates it (apt-get install -y postgresql)`);
  return Number(r.stdout.trim());
}
const uidOf = (u: string) => idOf('-u', u);
const gidOf = (u: string) => idOf('-g', u);

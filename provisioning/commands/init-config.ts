/**
 * The commented YAML config `vgw init` writes (comments in the installer's language), and the files
 * beside it: the data directory (0700) and the uplink password file (0600), owned by the service user.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Out } from '../i18n/i18n.js';
import { fail } from '../i18n/i18n.js';

/** What init asked for. */
export interface InitAnswers {
  township: string;
  village: string;
  gatewayId: string;
  broker: string;
  username: string;
  passwordFile: string | null;
  ca: string | null;
  cert: string | null;
  key: string | null;
  timezone: string;
  dataDir: string;
}

const q = (s: string): string => JSON.stringify(s);

/** The config text; every key a one-line comment in `out`'s language. */
export function configText(a: InitAnswers, out: Out, now: Date): string {
  const tls = [a.ca && `ca: ${q(a.ca)}`, a.cert && `cert: ${q(a.cert)}`, a.key && `key: ${q(a.key)}`].filter(Boolean);
  const lines = [
    `# ${out.t('init.yaml.header', { village: a.village, township: a.township, date: now.toISOString().slice(0, 10) })}`,
    `# ${out.t('init.yaml.timezone', { tz: a.timezone })}`,
    'gateway:',
    `  id: ${q(a.gatewayId)}        # ${out.t('init.yaml.id')}`,
    `  township: ${q(a.township)}   # ${out.t('init.yaml.township')}`,
    `  dataDir: ${q(a.dataDir)}     # ${out.t('init.yaml.dataDir')}`,
    `# ${out.t('init.yaml.localBroker')}`,
    'localBroker:',
    '  host: 0.0.0.0',
    '  port: 1883',
    `# ${out.t('init.yaml.uplink')}`,
    'uplink:',
    `  url: ${q(a.broker)}`,
    '  protocolVersion: 5',
    `  username: ${q(a.username)}   # ${out.t('init.yaml.username')}`,
    ...(a.passwordFile ? [`  passwordFile: ${q(a.passwordFile)}   # ${out.t('init.yaml.passwordFile')}`] : []),
    ...(tls.length > 0 ? [`  tls: { ${tls.join(', ')} }   # ${out.t('init.yaml.tls')}`] : []),
    'commands:',
    `  # ${out.t('init.yaml.operators')}`,
    '  operators: []',
    `# ${out.t('init.yaml.zones')}`,
    'zones: []',
    `# ${out.t('init.yaml.devices')}`,
    'devices: []',
    '',
  ];
  return lines.join('\n');
}

/** uid and gid of `user`, from `id`; a one-line failure naming --user when there is no such user. */
export function userIds(user: string, out: Out): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync('id', [flag, user], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) throw fail(out, 'init.noUser', { user }, 2);
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** Writes `text` to `file` with `mode` (never over an existing file unless `force`), owned by `owner`. */
export function writeOwned(file: string, text: string, mode: number, force: boolean, owner: { uid: number; gid: number } | null, out: Out): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { mode, flag: force ? 'w' : 'wx' });
    chmodSync(file, mode); // an overwritten file keeps its old mode otherwise
    if (owner) chownSync(file, owner.uid, owner.gid);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    if (code === 'EEXIST') throw fail(out, 'init.exists', { file }, 2);
    throw fail(out, 'init.cannotWrite', { file, code }, 2);
  }
}

/** Gives an existing file to `owner`, readable by it alone (mode 0600). */
export function giveTo(file: string, owner: { uid: number; gid: number }, out: Out): void {
  try {
    chownSync(file, owner.uid, owner.gid);
    chmodSync(file, 0o600);
  } catch (err) {
    throw fail(out, 'init.cannotWrite', { file, code: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 2);
  }
}

/** Creates the data directory 0700, owned by `owner` (the service user) when given. */
export function makeDataDir(dir: string, owner: { uid: number; gid: number } | null, out: Out): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    if (owner) chownSync(dir, owner.uid, owner.gid);
  } catch (err) {
    throw fail(out, 'init.cannotWrite', { file: dir, code: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 2);
  }
}

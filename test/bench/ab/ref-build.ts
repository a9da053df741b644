/**
 * Builds the daemon of a git ref into a temporary directory of its own (its files from `git archive`,
 * node_modules linked to ours, compiled with our tsc), so the A/B tool can run it beside the current
 * tree's dist/. Nothing in the repository or its worktree list is touched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir } from '../cleanup.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface RefBuild {
  /** The full commit the ref named. */
  commit: string;
  /** Its compiled tree: what `VGW_DIST_DIR` points the gateway process at. */
  dist: string;
}

export function buildRef(ref: string): RefBuild {
  const git = (...args: string[]): string => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = mkdtempSync(join(tmpdir(), `vgw-ab-${commit.slice(0, 7)}-`));
  trackDir(dir);
  const tar = join(dir, 'src.tar');
  git('archive', '--format=tar', '-o', tar, commit);
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  return { commit, dist: join(dir, 'dist') };
}

/** A real small filesystem for disk-full tests: a 20 MB tmpfs (needs root), and a way to fill it. */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Mounts a 20 MB tmpfs on `dir`; false (said loudly, or thrown under VGW_REQUIRE_TOOLS=1) where it cannot. */
export function smallFilesystem(dir: string, what = 'DISK-FULL TESTS'): boolean {
  const why = process.getuid?.() !== 0 ? 'not running as root' : spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', dir], { encoding: 'utf8' }).stderr || null;
  if (why === null || why === '') return true;
  const message = `${what} SKIPPED: cannot mount a 20 MB tmpfs (${why.trim()}); run as root.`;
  if (process.env.VGW_REQUIRE_TOOLS === '1') throw new Error(`${message} VGW_REQUIRE_TOOLS=1 forbids skipping.`);
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return false;
}

/** Fills the filesystem to the last byte, as runaway logs would; returns the file to remove later. */
export function fillDisk(dir: string, name = 'filler'): string {
  const file = join(dir, name);
  const fd = openSync(file, 'w');
  try {
    for (const size of [256 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Unmounts `dir` (lazily if something still holds a file there). */
export function unmount(dir: string): void {
  if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
}

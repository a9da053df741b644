/**
 * Every child process the bench starts registers a killer here, so an error, Ctrl-C or SIGTERM still
 * leaves no Mosquitto or gateway behind. Killers are by pid of processes we spawned, never by name.
 */
import { rmSync } from 'node:fs';

const killers = new Map<number, () => void>();
const dirs = new Set<string>();

export function trackProcess(pid: number | undefined, kill: () => void): void {
  if (pid) killers.set(pid, kill);
}

export function untrackProcess(pid: number | undefined): void {
  if (pid) killers.delete(pid);
}

export function trackDir(dir: string): void {
  dirs.add(dir);
}

/** Removes a temporary directory now (after its processes stopped). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

export function killAll(): void {
  for (const [pid, kill] of killers) {
    try {
      kill();
    } catch {
      /* already gone */
    }
    killers.delete(pid);
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

let installed = false;
export function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\n[bench] ${sig}: stopping child processes\n`);
      killAll();
      process.exit(130);
    });
  }
  process.on('exit', () => killAll());
}

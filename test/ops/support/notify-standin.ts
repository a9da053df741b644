/**
 * A stand-in `systemd-notify` first on the PATH: records each call (time in ms, NOTIFY_SOCKET, the
 * assignments) to a log, as systemd would receive them. Used by the watchdog notifier tests.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NotifyCall {
  atMs: number;
  socket: string;
  args: string[];
}

export class NotifyStandin {
  readonly root = mkdtempSync(join(tmpdir(), 'vgw-notify-'));
  readonly bin = join(this.root, 'bin');
  readonly log = join(this.root, 'calls.log');
  /** A path that looks like systemd's socket; nothing listens there (the stand-in only records). */
  readonly socket = join(this.root, 'notify.sock');

  constructor() {
    mkdirSync(this.bin);
    const file = join(this.bin, 'systemd-notify');
    writeFileSync(file, `#!/bin/sh\necho "$(date +%s%3N) $NOTIFY_SOCKET $*" >> "${this.log}"\n`);
    chmodSync(file, 0o755);
  }

  /** NOTIFY_SOCKET and WATCHDOG_USEC as systemd sets them, and the stand-in first on the PATH. */
  env(watchdogMs: number): Record<string, string> {
    return { PATH: `${this.bin}:${process.env.PATH ?? ''}`, NOTIFY_SOCKET: this.socket, WATCHDOG_USEC: String(watchdogMs * 1000) };
  }

  calls(): NotifyCall[] {
    if (!existsSync(this.log)) return [];
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [at, socket, ...args] = line.split(' ');
        return { atMs: Number(at), socket: socket ?? '', args };
      });
  }
}

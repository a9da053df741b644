/**
 * Is the system clock NTP-synced? (issue 8, finding 20). systemd-timesyncd writes a marker file;
 * chrony, ntpd and containers do not, so without more every event read `clock: unsynced`, silently.
 * The kernel's own verdict (adjtimex, STA_UNSYNC) has no Node binding: `timedatectl show -p
 * NTPSynchronized` reads it where systemd runs, `chronyc tracking` says "Leap status : Normal" once
 * chrony has synced. The tools run rarely, off the hot path, with a time limit; events read a cache.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { delayMs } from './kernel/timers.js';

/** What the last look found. */
export interface ClockSyncState {
  synced: boolean;
  /** Who said so: `marker-file`, `timedatectl`, `chronyc`, or `none` when no source answered. */
  source: 'marker-file' | 'timedatectl' | 'chronyc' | 'none';
  /** For people: what each source answered. */
  detail: string;
}

/** Where to look; tests put stand-in tools first on `env.PATH`. */
export interface ClockSyncSources {
  /** `gateway.clockSyncedFile`. */
  markerFile: string;
  /** Environment of the tools (their PATH). */
  env?: NodeJS.ProcessEnv;
  /** Longest one tool may take. */
  timeoutMs?: number;
}

/** A tool's stdout, or why there is none (not installed, failed, timed out). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ out: string } | { why: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 }, (err, stdout) => {
      if (!err) return resolve({ out: stdout });
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      resolve({ why: e.code === 'ENOENT' ? 'not installed' : e.killed ? `no answer in ${timeoutMs} ms` : 'failed' });
    });
  });
}

/** Looks once, in order: the marker file, timedatectl, chronyc; the first that says synced wins. */
export async function detectClockSync({ markerFile, env = process.env, timeoutMs = 3000 }: ClockSyncSources): Promise<ClockSyncState> {
  if (existsSync(markerFile)) return { synced: true, source: 'marker-file', detail: `${markerFile} exists` };
  const said: string[] = [`${markerFile} missing`];
  let answered: ClockSyncState['source'] = 'none';
  const ntp = await run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], env, timeoutMs);
  if ('out' in ntp && /^(yes|no)$/.test(ntp.out.trim())) {
    if (ntp.out.trim() === 'yes') return { synced: true, source: 'timedatectl', detail: 'timedatectl: NTPSynchronized=yes' };
    said.push('timedatectl: NTPSynchronized=no');
    answered = 'timedatectl';
  } else said.push(`timedatectl: ${'why' in ntp ? ntp.why : 'no answer'}`);
  const chrony = await run('chronyc', ['tracking'], env, timeoutMs);
  if ('out' in chrony) {
    const leap = /^Leap status\s*:\s*(.+)$/m.exec(chrony.out)?.[1]?.trim();
    if (leap === 'Normal') return { synced: true, source: 'chronyc', detail: 'chronyc: Leap status Normal' };
    said.push(`chronyc: Leap status ${leap ?? 'unknown'}`);
    if (answered === 'none') answered = 'chronyc';
  } else said.push(`chronyc: ${chrony.why}`);
  return { synced: false, source: answered, detail: said.join('; ') };
}

/** What to do about an unsynced clock, for `vgw check`. */
export function clockFix(state: ClockSyncState): string {
  return state.source === 'none'
    ? 'no time sync service answered: enable one (sudo timedatectl set-ntp true for systemd-timesyncd, or sudo apt-get install chrony), or set gateway.clockSyncedFile to the file your NTP client writes once synced'
    : 'the NTP client has not synced yet: check that the box reaches its NTP servers (UDP 123 through the 4G router) with timedatectl timesync-status or chronyc sources';
}

export interface ClockSyncWatchOptions extends ClockSyncSources {
  log: Logger;
  /** Between looks while unsynced; synced, five times as long. */
  everyMs?: number;
}

/** Keeps the sync state fresh in the background and says when it changes. */
export class ClockSyncWatch {
  /** The cached state events read; at first only the marker file's word (no tool has run yet). */
  state: ClockSyncState;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly o: ClockSyncWatchOptions) {
    const marker = existsSync(o.markerFile);
    this.state = { synced: marker, source: marker ? 'marker-file' : 'none', detail: marker ? `${o.markerFile} exists` : 'not looked yet' };
  }

  /** Looks once (logged as the start state), then again in the background; `onChange` hears each change of `synced`. */
  async start(onChange: (state: ClockSyncState) => void): Promise<void> {
    this.state = await detectClockSync(this.o);
    this.o.log.info({ synced: this.state.synced, source: this.state.source, detail: this.state.detail }, 'clock sync state');
    const again = (): void => {
      if (this.stopped) return;
      const every = this.o.everyMs ?? 60_000;
      this.timer = setTimeout(() => {
        void this.look(onChange)
          .catch((err: unknown) => this.o.log.error({ err }, 'clock sync check failed'))
          .finally(again);
      }, delayMs(this.state.synced ? every * 5 : every));
      this.timer.unref();
    };
    again();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async look(onChange: (state: ClockSyncState) => void): Promise<void> {
    const next = await detectClockSync(this.o);
    const changed = next.synced !== this.state.synced;
    this.state = next;
    if (!changed || this.stopped) return;
    this.o.log.info({ synced: next.synced, source: next.source, detail: next.detail }, 'clock sync state');
    onChange(next);
  }
}

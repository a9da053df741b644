/** CPU and memory of another process from /proc (Linux; clock ticks = 100 per second). */
import { readFileSync } from 'node:fs';

const CLK_TCK = 100;

/** utime + stime of the whole process (all threads), in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name "(...)", which may itself contain spaces or parentheses.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14 and stime field 15.
  return Number(rest[11]) + Number(rest[12]);
}

export interface Memory {
  rssMiB: number;
  hwmMiB: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

/** Measures % of one core used by `pid` between `start()` and `stop()`. */
export class CpuWindow {
  private ticks0 = 0;
  private t0 = 0;
  constructor(private readonly pid: number) {}
  start(): void {
    this.ticks0 = cpuTicks(this.pid);
    this.t0 = performance.now();
  }
  stop(): number {
    const ticks = cpuTicks(this.pid) - this.ticks0;
    const seconds = (performance.now() - this.t0) / 1000;
    return ((ticks / CLK_TCK) / seconds) * 100;
  }
}

/** % of one core used by this (the load-generating) process between `start()` and `stop()`. */
export class SelfCpuWindow {
  private u0 = process.cpuUsage();
  private t0 = performance.now();
  start(): void {
    this.u0 = process.cpuUsage();
    this.t0 = performance.now();
  }
  stop(): number {
    const u = process.cpuUsage(this.u0);
    return ((u.user + u.system) / 1000 / (performance.now() - this.t0)) * 100;
  }
}

/** Busy clock ticks of the whole machine (all cores), from /proc/stat. */
export function systemBusyTicks(): number {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  return (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
}

const ticksOr0 = (pid: number): number => {
  try {
    return pid ? cpuTicks(pid) : 0;
  } catch {
    return 0; // exited
  }
};

/**
 * CPU used by everything except the bench and the given processes, in % of one core: on a 2-core box
 * a concurrent compile or test run skews every figure, so each run reports how disturbed it was.
 */
export class ForeignCpu {
  private busy0 = 0;
  private own0 = 0;
  private t0 = 0;
  private pids: number[] = [];
  constructor(private readonly ours: () => number[]) {}
  start(): void {
    this.pids = [process.pid, ...this.ours()];
    this.busy0 = systemBusyTicks();
    this.own0 = this.pids.reduce((a, p) => a + ticksOr0(p), 0);
    this.t0 = performance.now();
  }
  stop(): number {
    const own = this.pids.reduce((a, p) => a + ticksOr0(p), 0) - this.own0;
    const busy = systemBusyTicks() - this.busy0;
    return Math.max(0, (busy - own) / CLK_TCK / ((performance.now() - this.t0) / 1000)) * 100;
  }
}

/** Bytes this process caused to be written to storage (/proc/PID/io `write_bytes`); NaN if unreadable. */
export function writeBytes(pid: number): number {
  try {
    return Number(/^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

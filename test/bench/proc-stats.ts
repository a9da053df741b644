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

/** Child processes of a process, from /proc (Linux): the OPC UA child of a `vgw run`. */
import { readdirSync, readFileSync } from 'node:fs';

/** Processes whose parent is `pid`, with their command lines. */
export function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The OPC UA child of a gateway process, if it runs. */
export function opcuaChild(pid: number): number | undefined {
  return childrenOf(pid).find((c) => c.cmdline.includes('opcua/child/main'))?.pid;
}

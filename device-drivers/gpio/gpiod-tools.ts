/**
 * The command lines and outputs of Debian's `gpiod` tools, in both dialects found on Raspberry Pi OS:
 * libgpiod 1.6 (bookworm: `gpiomon <chip> <offset>`, `gpioset --mode=signal`) and 2.x (trixie:
 * `-c <chip>`, lines held until the process ends). Pure functions; chardev-backend.ts runs them.
 */
import type { Level } from './gpio.js';
import type { ChipInfo } from './header-chip.js';

export type Dialect = 1 | 2;

/** From `gpiomon --version`: "gpiomon (libgpiod) v1.6.3" or "gpiomon (libgpiod) v2.1.2". */
export function dialectOf(versionText: string): Dialect | null {
  const m = /\bv(\d+)\.\d+/.exec(versionText);
  if (!m) return null;
  return m[1] === '1' ? 1 : m[1] === '2' ? 2 : null;
}

/**
 * gpiomon: one line per edge, "<offset> <edge> <timestamp>". v1's `%s %n` print seconds and unpadded
 * nanoseconds; v2's `%S` prints "seconds.nanoseconds". v1 needs `-b` or its output sits in a pipe buffer;
 * v2 flushes after every poll by itself.
 */
export function monitorArgs(d: Dialect, chip: string, offset: number): string[] {
  return d === 1 ? ['-b', '-F', '%o %e %s %n', chip, String(offset)] : ['-c', chip, '-F', '%o %E %S', String(offset)];
}

export function getArgs(d: Dialect, chip: string, offset: number): string[] {
  return d === 1 ? [chip, String(offset)] : ['-c', chip, '--numeric', String(offset)];
}

/** gpioset holding the line until it is sent SIGTERM (v1 needs `--mode=signal`; v2 does so by default). */
export function setArgs(d: Dialect, chip: string, offset: number, level: Level): string[] {
  return d === 1 ? ['--mode=signal', chip, `${offset}=${level}`] : ['-c', chip, `${offset}=${level}`];
}

const EDGE = /^(\d+) (0|1|rising|falling) (\d+)(?:\.(\d{1,9})| (\d{1,9}))$/;

/** One gpiomon output line as an edge; timestamps are CLOCK_MONOTONIC (the default of both dialects). */
export function parseEdge(line: string): { offset: number; level: Level; monoNs: bigint } | null {
  const m = EDGE.exec(line.trim());
  if (!m) return null;
  const [, offset, edge, sec, frac, ns] = m as unknown as [string, string, string, string, string | undefined, string | undefined];
  const nanos = frac !== undefined ? BigInt(frac.padEnd(9, '0')) : BigInt(ns ?? '0');
  return { offset: Number(offset), level: edge === '1' || edge === 'rising' ? 1 : 0, monoNs: BigInt(sec) * 1_000_000_000n + nanos };
}

/** gpiodetect (both dialects): "gpiochip0 [pinctrl-bcm2711] (58 lines)". */
export function parseDetect(text: string): ChipInfo[] {
  const chips: ChipInfo[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) \[([^\]]*)\] \((\d+) lines\)/.exec(line.trim());
    if (m) chips.push({ name: m[1] as string, label: m[2] as string, lines: Number(m[3]) });
  }
  return chips;
}

/** gpioget prints the level as "1"/"0" (v1, v2 with --numeric). */
export function parseLevel(text: string): Level | null {
  const t = text.trim();
  return t === '1' ? 1 : t === '0' ? 0 : null;
}

/**
 * The fallback backend where sysfs GPIO is gone (newer Raspberry Pi 5 kernels): the `gpiod` tools on the
 * GPIO character device, as child processes. An input is a `gpiomon` printing kernel-timestamped edges;
 * an output is a `gpioset` holding the level (the line reverts when the process ends, so a new level is a
 * new gpioset). Helpers that die are restarted; a level missed meanwhile is read back with `gpioget`.
 */
import type { Logger } from 'pino';
import { dialectOf, getArgs, monitorArgs, parseDetect, parseEdge, parseLevel, setArgs, type Dialect } from './gpiod-tools.js';
import { gpioError, monoNow, type GpioOutput, type Level, type PinBackend, type RawHandlers, type RawInput } from './gpio.js';
import { headerChip, type ChipInfo } from './header-chip.js';
import { runTool, Supervised, type ToolEnv } from './helper-process.js';

export interface ChardevOptions {
  log: Logger;
  /** Environment of the tools; its PATH decides which gpiomon runs (tests put stand-ins first). */
  env?: NodeJS.ProcessEnv;
  /** How long a fresh helper must stay up to count as started. */
  settleMs?: number;
}

/** Kernels before 5.7 stamp uAPI v1 edges with wall-clock time; such stamps are replaced by arrival time. */
const MAX_SKEW_NS = 60_000_000_000n;
const plausible = (ns: bigint): bigint => {
  const now = monoNow();
  return ns > now || now - ns > MAX_SKEW_NS ? now : ns;
};

export function chardevBackend({ log, env = process.env, settleMs = 50 }: ChardevOptions): PinBackend {
  const t: ToolEnv = { env, log, settleMs };
  let setup: Promise<{ dialect: Dialect; chips: ChipInfo[] }> | null = null;

  const line = async (bcm: number) => {
    setup ??= (async () => {
      const version = await runTool(t, 'gpiomon', ['--version']);
      const dialect = dialectOf(version);
      if (!dialect) throw gpioError(`gpiomon --version printed "${version.split('\n')[0]}", not libgpiod v1 or v2; install Debian's gpiod package`);
      return { dialect, chips: parseDetect(await runTool(t, 'gpiodetect', [])) };
    })();
    // A failed setup (tools missing) is retried at the next open rather than remembered.
    const s = await setup.catch((err: unknown) => {
      setup = null;
      throw err;
    });
    return { dialect: s.dialect, chip: headerChip(s.chips, bcm, 'gpiodetect').name, offset: bcm };
  };

  const read = async (d: Dialect, chip: string, offset: number): Promise<Level> => {
    const text = await runTool(t, 'gpioget', getArgs(d, chip, offset));
    const level = parseLevel(text);
    if (level === null) throw gpioError(`gpioget ${chip} ${offset} printed "${text.trim()}", not 0 or 1`);
    return level;
  };

  return {
    name: 'chardev',
    async watch(bcm: number, handlers: RawHandlers): Promise<RawInput> {
      const { dialect, chip, offset } = await line(bcm);
      // gpioget before gpiomon: once gpiomon holds the line, gpioget would get EBUSY.
      let level = await read(dialect, chip, offset);
      const helper = new Supervised(t, {
        tool: 'gpiomon',
        args: () => monitorArgs(dialect, chip, offset),
        onLine: (text) => {
          const edge = parseEdge(text);
          if (!edge || edge.offset !== offset) return;
          level = edge.level;
          handlers.onEdge(edge.level, plausible(edge.monoNs));
        },
        beforeRestart: async () => {
          const now = await read(dialect, chip, offset);
          if (now === level) return;
          level = now;
          handlers.onEdge(now, monoNow());
        },
        onFault: handlers.onFault,
      });
      await helper.start();
      return {
        get level() {
          return level;
        },
        close: () => helper.stop(),
      };
    },
    async drive(bcm: number, initial: Level, onFault: (err: Error) => void): Promise<GpioOutput> {
      const { dialect, chip, offset } = await line(bcm);
      let level = initial;
      const helper = new Supervised(t, { tool: 'gpioset', args: () => setArgs(dialect, chip, offset, level), onFault });
      await helper.start();
      let queue = Promise.resolve();
      return {
        get level() {
          return level;
        },
        write(next: Level) {
          // One gpioset at a time: the next may only request the line once the previous has let it go.
          const done = queue.then(async () => {
            if (next === level) return;
            level = next;
            await helper.restart();
          });
          queue = done.catch(() => {});
          return done;
        },
        close: () => helper.stop(),
      };
    },
  };
}

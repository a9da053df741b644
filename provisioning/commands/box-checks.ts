/**
 * What `vgw check` verifies on the box itself before `run` would trip over it (issue 8, finding 23):
 * the data directory, the local broker's port, GPIO for the configured pins, a sound card for the
 * loudspeaker, and (issue 8, finding 20) whether the clock is NTP-synced. Each check is one entry of `BOX_CHECKS`; each gives a one-line verdict with its fix.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { gpioProblem } from '../../device-drivers/gpio/system-gpio.js';
import { clockFix, detectClockSync } from '../../gateway/clock-sync.js';
import type { Config } from '../../gateway/config/schema.js';
import { LOCK_FILE, lockDataDir } from '../../gateway/data-dir-lock.js';
import { doorPins } from '../../device-drivers/door/config.js';
import { translate, type MessageKey, type Params } from '../i18n/i18n.js';

/** A check's one-line verdict: `ok` with what was found, or a problem with its fix. */
export interface Verdict {
  /** The config key or part checked: `gateway.dataDir`, `gpio`, ... */
  what: string;
  ok: boolean;
  /** One line: what was found and, for a problem, how to fix it (English). */
  line: string;
  /** The same line in the installer's catalogue (issue 12), for `vgw check --lang`. */
  said: { key: MessageKey; params: Params };
}

/** Where the checks look; tests and other boxes may point elsewhere. */
export interface BoxEnv {
  env: NodeJS.ProcessEnv;
  asoundCards: string;
  sysfsRoot?: string;
  devDir?: string;
}

/** Facts one check hands to a later one (a running gateway explains a taken port). */
interface Shared {
  runningPid: number | null;
}

/** One check of the box; returns null when it does not apply to this config. */
export type BoxCheck = (config: Config, box: BoxEnv, shared: Shared) => Promise<Verdict | null> | Verdict | null;

const verdict = (isOk: boolean) => (what: string, key: MessageKey, params: Params): Verdict => ({ what, ok: isOk, line: translate('en', key, params), said: { key, params } });
const ok = verdict(true);
const problem = verdict(false);

/** A temp file created and removed in `dir`; the error code when that fails. */
function tryWrite(dir: string): string | null {
  try {
    rmSync(mkdtempSync(join(dir, '.vgw-check-')), { recursive: true });
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

const dataDirCheck: BoxCheck = (config, _box, shared) => {
  const what = 'gateway.dataDir';
  const dir = config.gateway.dataDir;
  if (!existsSync(dir)) {
    let parent = dirname(dir);
    while (!existsSync(parent) && parent !== dirname(parent)) parent = dirname(parent);
    if (!statSync(parent).isDirectory()) return problem(what, 'box.dataDir.parentNotDir', { dir, parent });
    const code = tryWrite(parent);
    return code ? problem(what, 'box.dataDir.cannotCreate', { dir, parent, code }) : ok(what, 'box.dataDir.willCreate', { dir });
  }
  if (!statSync(dir).isDirectory()) return problem(what, 'box.dataDir.notDir', { dir });
  const code = tryWrite(dir);
  if (code) return problem(what, 'box.dataDir.cannotWrite', { dir, code });
  if (existsSync(join(dir, LOCK_FILE))) {
    try {
      lockDataDir(dir).release();
    } catch (err) {
      shared.runningPid = Number(/pid (\d+)/.exec((err as Error).message)?.[1]) || -1;
      return ok(what, shared.runningPid > 0 ? 'box.dataDir.running' : 'box.dataDir.runningNoPid', { dir, pid: shared.runningPid });
    }
  }
  return ok(what, 'box.dataDir.ok', { dir });
};

const portCheck: BoxCheck = async (config, _box, shared) => {
  const { host, port } = config.localBroker;
  if (port === 0) return null;
  const what = 'localBroker.port';
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(port, host, () => server.close(() => resolve(null)));
  });
  if (!err) return ok(what, 'box.port.free', { host, port });
  if (err.code === 'EADDRINUSE' && shared.runningPid !== null) return ok(what, 'box.port.running', { host, port });
  const key = err.code === 'EADDRINUSE' ? 'box.port.inUse' : err.code === 'EACCES' ? 'box.port.denied' : 'box.port.badHost';
  return problem(what, key, { host, port, code: err.code ?? err.message });
};

const gpioCheck: BoxCheck = (config, box) => {
  const pins = config.devices.flatMap((d) => (d.driver === 'alarm-input' || d.driver === 'relay' ? [`${d.pin} (${d.id})`] : d.driver === 'door' ? doorPins(d).map((p) => `${p} (${d.id})`) : []));
  if (pins.length === 0) return null;
  const why = gpioProblem({ env: box.env, ...(box.sysfsRoot ? { sysfsRoot: box.sysfsRoot } : {}), ...(box.devDir ? { devDir: box.devDir } : {}) });
  return why ? problem('gpio', 'box.gpio.problem', { pins: pins.join(', '), why }) : ok('gpio', 'box.gpio.ok', { pins: pins.join(', ') });
};

const onPath = (env: NodeJS.ProcessEnv, tool: string): boolean => (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, tool)));

const soundCheck: BoxCheck = (config, box) => {
  const speakers = config.devices.filter((d) => d.driver === 'loudspeaker').map((d) => d.id);
  if (speakers.length === 0) return null;
  const what = 'sound';
  let cards = '';
  try {
    cards = readFileSync(box.asoundCards, 'utf8');
  } catch {
    // No ALSA in this kernel: reported below like an empty card list.
  }
  const ids = speakers.join(', ');
  if (!/^\s*\d+ \[/m.test(cards)) return problem(what, cards ? 'box.sound.noCard' : 'box.sound.noAlsa', { ids, file: box.asoundCards });
  if (!onPath(box.env, 'aplay')) return problem(what, 'box.sound.noAplay', { ids });
  return ok(what, 'box.sound.ok', { ids });
};

const clockCheck: BoxCheck = async (config, box) => {
  const s = await detectClockSync({ markerFile: config.gateway.clockSyncedFile, env: box.env });
  return s.synced ? ok('clock', 'box.clock.ok', { detail: s.detail }) : problem('clock', 'box.clock.problem', { detail: s.detail, fix: clockFix(s) });
};

/** Every box check, in order; add new ones here. */
export const BOX_CHECKS: readonly BoxCheck[] = [dataDirCheck, portCheck, gpioCheck, soundCheck, clockCheck];

/** Runs `BOX_CHECKS` and returns their verdicts. */
export async function checkBox(config: Config, box: BoxEnv = { env: process.env, asoundCards: '/proc/asound/cards' }): Promise<Verdict[]> {
  const shared: Shared = { runningPid: null };
  const verdicts: Verdict[] = [];
  for (const check of BOX_CHECKS) {
    const v = await check(config, box, shared);
    if (v) verdicts.push(v);
  }
  return verdicts;
}

/**
 * Config reload on SIGHUP and `vgw reload` (issue 13, item 4). The new file is read and validated in
 * full first; a bad one is refused (logged, and reported as a `system.config.refused` event) and the
 * old config keeps running. A good one is applied part by part, without touching the uplink session,
 * the outbox or the devices that did not change:
 *  - devices: only removed and changed ones are stopped, only added and changed ones are started; the
 *    local broker logs out a removed or changed LAN device and keeps every other connection;
 *  - zones and reactions: arming takes the new zone list, the reactions engine the new rules;
 *  - operators: the router checks the next command against the new keys;
 *  - severity maps: the pipeline decides the next event's severity from the new maps.
 * Every other section (gateway, uplink, local broker, outbox, http, ...) needs a restart, so a file that
 * changes one of them is refused naming them: half-applied settings would be worse than none.
 */
import type { Logger } from 'pino';
import type { Driver } from '../device-drivers/driver.js';
import type { AnyDriverModule } from '../device-drivers/module.js';
import type { MqttDeviceConfig } from '../device-drivers/mqtt/config.js';
import { moduleFor } from '../device-drivers/registry.js';
import type { Arming } from './arming/arming.js';
import type { CommandRouter } from './commands/router.js';
import type { Component } from './components.js';
import { loadConfigFile } from './config/load.js';
import type { Config, DeviceConfig } from './config/schema.js';
import type { ReloadOutcome } from './http/status.js';
import { step } from './lifecycle.js';
import type { LocalBroker } from './local-broker.js';
import type { Pipeline } from './pipeline.js';
import type { Reactions } from './reactions/reactions.js';

/** Config sections a reload applies; any other difference is refused. */
const RELOADABLE = ['devices', 'zones', 'reactions', 'severity'] as const;

/** The gateway's parts a reload changes. */
export interface ReloadParts {
  pipeline: Pipeline;
  router: CommandRouter;
  broker: LocalBroker;
  arming: Arming;
  reactions: Reactions;
  drivers: ReadonlyMap<string, Driver>;
  /** Loads its kind's code (once), creates a device's driver and adds it to the gateway's maps (not started). */
  mount(device: DeviceConfig): Promise<Driver>;
  /** Removes a stopped device's driver from the gateway's maps. */
  unmount(id: string): void;
  /** (Re)registers the commands of the driver kinds for `devices`. */
  registerDeviceCommands(devices: readonly DeviceConfig[]): void;
}

/** What the composition root gives the reloader. */
export interface ReloadDeps {
  modules: readonly AnyDriverModule[];
  /** The config in force. */
  current(): Config;
  /** Makes `config` the one in force (ops views, inspect). */
  adopt(config: Config): void;
  parts(): ReloadParts;
  log: Logger;
}

/** Sections other than RELOADABLE (and `commands.operators`) whose value differs. */
function fixedChanges(a: Config, b: Config): string[] {
  const strip = (c: Config) => ({ ...c, commands: { ...c.commands, operators: [] } });
  const [x, y] = [strip(a), strip(b)] as [Record<string, unknown>, Record<string, unknown>];
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !(RELOADABLE as readonly string[]).includes(k) && JSON.stringify(x[k]) !== JSON.stringify(y[k]));
}

/** Device ids added, removed and changed (same id, other settings) between two configs. */
export function deviceChanges(a: readonly DeviceConfig[], b: readonly DeviceConfig[]): { added: string[]; removed: string[]; changed: string[] } {
  const old = new Map(a.map((d) => [d.id, JSON.stringify(d)]));
  const next = new Map(b.map((d) => [d.id, JSON.stringify(d)]));
  return {
    added: [...next.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !next.has(id)),
    changed: [...next.keys()].filter((id) => old.has(id) && old.get(id) !== next.get(id)),
  };
}

/** Applies reloaded config files to one gateway, one at a time, and remembers the last outcome. */
export class Reloader {
  private last: ReloadOutcome | null = null;
  private running: Promise<unknown> = Promise.resolve();
  /** Devices of the config the gateway started with: their lifecycle components stop them. */
  private readonly original: ReadonlySet<string>;
  /** Devices remounted by a reload: whether their driver started (undefined: not remounted). */
  private readonly remounted = new Map<string, string | null>();

  constructor(private readonly deps: ReloadDeps) {
    this.original = new Set(deps.current().devices.map((d) => d.id));
  }

  /** The last reload's outcome, null before any. */
  get outcome(): ReloadOutcome | null {
    return this.last;
  }

  /** Reads `file` and applies it, one reload at a time (two SIGHUPs in a row do not interleave). */
  reload(file: string): Promise<ReloadOutcome> {
    const result = this.running.then(() => this.apply(file));
    this.running = result.catch(() => undefined);
    return result;
  }

  /**
   * The gateway's failed components as a reload left them: a device remounted since is judged by its
   * new start (failed or not), a removed one no longer counts.
   */
  failures(atStart: readonly { name: string; message: string }[]): { name: string; message: string }[] {
    const ids = new Set(this.deps.current().devices.map((d) => d.id));
    const kept = atStart.filter((f) => !f.name.startsWith('driver ') || (ids.has(f.name.slice(7)) && !this.remounted.has(f.name.slice(7))));
    const since = [...this.remounted].filter(([id, message]) => message !== null && ids.has(id)).map(([id, message]) => ({ name: `driver ${id}`, message: message as string }));
    return [...kept, ...since];
  }

  /** A lifecycle component that stops the drivers of devices a reload added (the started ones stop their own). */
  component(): Component {
    return {
      name: 'reloaded drivers',
      stop: () => Promise.all([...this.deps.parts().drivers].filter(([id]) => !this.original.has(id)).map(([, d]) => d.stop())),
    };
  }

  private async apply(file: string): Promise<ReloadOutcome> {
    const { log } = this.deps;
    const old = this.deps.current();
    let next: Config;
    try {
      next = loadConfigFile(file, this.deps.modules);
      const fixed = fixedChanges(old, next);
      if (fixed.length) throw new Error(`${fixed.join(', ')} changed, which a reload cannot apply; restart the gateway for ${fixed.length > 1 ? 'those' : 'that'} (systemctl restart vgw) or undo the change`);
    } catch (err) {
      const message = (err as Error).message;
      log.error({ file, error: message }, 'config reload refused; the old config keeps running');
      await this.deps.parts().pipeline.system('system.config.refused', 'major', { file, error: message.slice(0, 2000) }).catch((e: unknown) => log.error({ err: e }, 'config refusal not stored'));
      return (this.last = { at: Date.now(), ok: false, message });
    }
    const summary = await this.applyValid(old, next);
    log.info({ file, ...summary }, 'config reloaded');
    const said = describe(summary);
    await this.deps.parts().pipeline.system('system.config.reloaded', 'info', { file, ...summary }).catch((e: unknown) => log.error({ err: e }, 'config reload event not stored'));
    return (this.last = { at: Date.now(), ok: true, message: said });
  }

  private async applyValid(old: Config, next: Config) {
    const p = this.deps.parts();
    const devices = deviceChanges(old.devices, next.devices);
    const stopping = [...devices.removed, ...devices.changed];
    for (const id of stopping) {
      const driver = p.drivers.get(id);
      if (driver) await step(this.deps.log, `stop driver ${id}`, 5000, () => driver.stop()).catch((err: unknown) => this.deps.log.error({ err, device: id }, 'driver stop failed at reload'));
      p.unmount(id);
    }
    // Credentials before the new drivers attach: a changed device logs in again under its new password.
    p.broker.setDevices(next.devices.filter((d) => moduleFor(this.deps.modules, d.driver)?.provides?.includes('lan-login')) as MqttDeviceConfig[]);
    p.pipeline.reconfigure(next);
    p.router.setOperators(next.commands.operators);
    p.reactions.setReactions(next.reactions);
    await p.arming.setZones(next.zones);
    this.deps.adopt(next);
    for (const id of [...devices.added, ...devices.changed]) {
      const device = next.devices.find((d) => d.id === id) as DeviceConfig;
      const driver = await p.mount(device);
      // As at start (style rule 3): a device whose driver fails to start is degraded, the rest goes on.
      const aborts = new AbortController();
      this.remounted.set(id, null);
      await step(this.deps.log, `driver ${id}`, 10_000, () => driver.start(aborts.signal)).catch((err: unknown) => {
        aborts.abort(err);
        this.remounted.set(id, (err as Error).message);
        this.deps.log.error({ err, device: id }, 'driver failed to start; device degraded');
      });
    }
    p.registerDeviceCommands(next.devices);
    const sections = (['zones', 'reactions', 'severity'] as const).filter((k) => JSON.stringify(old[k]) !== JSON.stringify(next[k])) as string[];
    if (JSON.stringify(old.commands.operators) !== JSON.stringify(next.commands.operators)) sections.push('operators');
    return { ...devices, sections };
  }
}

/** `devices +a -b ~c; zones, operators`, or "nothing changed". */
function describe(s: { added: string[]; removed: string[]; changed: string[]; sections: string[] }): string {
  const devices = [...s.added.map((id) => `+${id}`), ...s.removed.map((id) => `-${id}`), ...s.changed.map((id) => `~${id}`)];
  const parts = [...(devices.length ? [`devices ${devices.join(' ')}`] : []), ...s.sections];
  return parts.length ? parts.join('; ') : 'nothing changed';
}

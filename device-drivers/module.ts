/**
 * A driver kind as one self-describing object (issue 9): its config schema, the seams it needs, its
 * factory, the actions and commands it takes and the events it emits. device-drivers/registry.ts lists
 * them; the config schema, the reactions' checks and the composition root read only these fields, so
 * the core never names a kind.
 */
import type { z } from 'zod';
import type { Role } from '../gateway/kernel/roles.js';
import type { DeviceConfigBase, DriverFactory } from './driver.js';
import type { GatewaySeams, SeamName } from './seams.js';

/** A config problem: the key path and a message that names the fix. */
export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

/** What a module's cross-device check sees of the whole config. */
export interface ConfigView {
  devices: readonly DeviceConfigBase[];
  zones: readonly { name: string }[];
  /** The module mounting a device id, if any. */
  moduleOf(id: string): AnyDriverModule | undefined;
}

/** A command a kind registers: carried out as `action` on the device named by the `device` param. */
export interface DriverCommand {
  /** Command name under `cmd/`, e.g. `door.open`. */
  name: string;
  /** Role the signing key needs (null: any trusted key). */
  role: Role | null;
  /** The command's params besides `device` (strict object). */
  params: z.ZodObject;
  /** The action it runs. */
  action: string;
}

/**
 * What a kind offers the rest of the gateway besides actions: `speaker` (plays notices, see
 * loudspeaker/speaker.ts); `lan-login` (its devices log in on the local broker with the fields of
 * mqtt/config.ts: `passwordHash`, `rate`, `types`, `defaultType`); `door` (a door: it takes the action
 * `unlock` with params `{ seconds, by: 'grant' | 'remote', person? }` and resolves only once the lock
 * released — the relay pulsed or the controller answered; readers and `door.unlock` address it).
 */
export type Capability = 'speaker' | 'lan-login' | 'door';

export interface DriverModule<C extends DeviceConfigBase, K extends SeamName> {
  /** The `driver` value of its devices' config. */
  kind: C['driver'];
  /** For people, in config errors: "an alarm input". */
  label: string;
  /** Its devices' config (a strict object with `driver: z.literal(kind)`, each field with a one-line doc). */
  schema: z.ZodType<C>;
  /** The gateway seams it is handed. */
  seams: readonly K[];
  /**
   * Loads the kind's code and returns its factory (which only assigns; `start` does the I/O, style
   * rule 2). Issue 14: a dynamic import, awaited only for kinds a config names, so a box without
   * cameras or OPC UA never loads their code and libraries; everything else here stays eager because
   * the config schema and the checks need it.
   */
  load(): Promise<DriverFactory<Pick<GatewaySeams, K>, C>>;
  /** Actions it takes (reactions and commands are checked against them); `any`: passed on to the device. */
  actions: readonly string[] | 'any';
  /** Commands it registers, with their roles. */
  commands?: readonly DriverCommand[];
  /** Event types it emits (for docs and tests); `any`: whatever the device sends. */
  events: readonly string[] | 'any';
  /** What its drivers offer beyond actions. */
  provides?: readonly Capability[];
  /** Checks across devices (a relay it needs, a zone it names), run by the config schema. */
  checks?(device: C, index: number, config: ConfigView): ConfigIssue[];
}

/** Any kind's module, as the registry and the core hold them. */
// Each module is typed by its own config; the list holds them all.
export type AnyDriverModule = DriverModule<any, SeamName>;

/** Declares a module with its config and seam types inferred. */
export function defineDriver<C extends DeviceConfigBase, K extends SeamName>(module: DriverModule<C, K>): DriverModule<C, K> {
  return module;
}

/** Whether `module` takes `action`. */
export function takesAction(module: AnyDriverModule, action: string): boolean {
  return module.actions === 'any' || module.actions.includes(action);
}

/**
 * The driver kinds this gateway knows: one line per kind (issue 9). Adding a kind is a folder with an
 * `index.ts` exporting its DriverModule, and a line here; nothing in gateway/ names a kind.
 */
import { alarmInputModule } from './alarm-input/index.js';
import { cameraModule } from './camera/index.js';
import { doorModule } from './door/index.js';
import { ipSpeakerModule } from './ip-speaker/index.js';
import { loudspeakerModule } from './loudspeaker/index.js';
import type { AnyDriverModule, DriverModule } from './module.js';
import type { SeamName } from './seams.js';
import { mqttModule } from './mqtt/index.js';
import { readerModule } from './reader/index.js';
import { opcuaModule } from './opcua/index.js';
import { relayModule } from './relay/index.js';
import { uhppoteDoorModule } from './uhppote-door/index.js';
import { uhppoteModule } from './uhppote/index.js';

/** Every built-in kind, in the order their devices are documented. */
export const defaultModules = [
  mqttModule,
  loudspeakerModule,
  ipSpeakerModule,
  alarmInputModule,
  relayModule,
  readerModule,
  cameraModule,
  doorModule,
  uhppoteModule,
  uhppoteDoorModule,
  opcuaModule,
] as const satisfies readonly AnyDriverModule[];

/** The config of a device of any built-in kind. */
export type DeviceConfig = ConfigOf<(typeof defaultModules)[number]>;

/** The device config a module validates. */
export type ConfigOf<M> = M extends DriverModule<infer C, SeamName> ? C : never;

/** Finds the module of `kind` in `modules`. */
export function moduleFor(modules: readonly AnyDriverModule[], kind: string): AnyDriverModule | undefined {
  return modules.find((m) => m.kind === kind);
}

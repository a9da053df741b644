/**
 * The one driver interface. A driver turns hardware or LAN traffic into device events and actions into
 * hardware effects; it never talks to the township and never touches SQLite (architecture.md).
 * Lifecycle (style rule 2): the factory only assigns, `start` does the I/O, `stop` releases it.
 */
import type { Logger } from 'pino';
import type { Category } from '../gateway/kernel/categories.js';
import type { Clock } from '../gateway/kernel/clock.js';
import type { DeviceStorage } from './storage.js';

/** What every device config has, whatever its driver (see device-common.ts). */
export interface DeviceConfigBase {
  id: string;
  driver: string;
}

/**
 * A file that goes with an event, stored by the gateway: an `image/jpeg` is the event's picture
 * (`data.snapshot`, sent on `snapshots/{eventId}` after it); any other type is kept on the box and
 * named in `data.attachment`.
 */
export interface Attachment {
  /** The file's content, or the path of a file the gateway copies. */
  bytes?: Buffer | undefined;
  path?: string | undefined;
  /** MIME type, e.g. `image/jpeg`. */
  contentType: string;
}

/** What a driver reports of its device; `state` is mirrored to `devices/{device}/state`. */
export interface DeviceEventInput {
  type: string;
  /** The event's category; default: `device` for `device.*` types, else the device's configured category. */
  category?: Category | undefined;
  data: Record<string, unknown>;
  /** A file stored with the event: a JPEG becomes `data.snapshot` (or `data.snapshotError`), another type `data.attachment`. */
  attachment?: Attachment | undefined;
}

/** `bad-credential`: a reader's credential message that is not `{type, method, value, ...}` (issue 10); `too-deep`: nesting over the limit; `forbidden-type`: a device may not send `system.*`; `unlisted-type`: not in the device's `types`. */
export type RejectReason = 'not-json' | 'not-object' | 'too-large' | 'too-deep' | 'bad-type' | 'forbidden-type' | 'unlisted-type' | 'unknown-topic' | 'bad-credential'
  // A network controller's frames (device-drivers/uhppote/): too short or long, bad start byte, wrong function, another serial, another sender, an event its own log does not have.
  | 'short-frame' | 'bad-start' | 'bad-function' | 'wrong-serial' | 'wrong-sender' | 'forged-event';

/** What a driver says of itself; read into metrics and `devices/{id}/state`. */
export interface DriverHealth {
  status: 'ok' | 'degraded' | 'stopped';
  online: boolean;
  detail?: string;
}

/** A driver's own figures of its device (issue 11: a line per camera in `metrics`): flat numbers, null while unknown. */
export type DriverFigures = Record<string, number | null>;

/** An action for a device (from a command or a local rule). */
export interface DeviceAction {
  name: string;
  params: Record<string, unknown>;
}

/** The narrow context every driver gets (style rule 4); `S` is the hardware seams it uses. */
export interface DriverContext<S = object, D extends DeviceConfigBase = DeviceConfigBase> {
  device: Readonly<D>;
  log: Logger;
  clock: Clock;
  /** Commits an event; resolves once it is on disk (only then acknowledge the device). */
  emit(event: DeviceEventInput): Promise<void>;
  /** Counts and reports input that could not become an event. */
  reject(reason: RejectReason, detail: { bytes?: number }): void;
  /** Records the device's latest state and online flag; mirrored (retained) to the township. */
  setState(update: { online?: boolean; state?: Record<string, unknown> }): Promise<void>;
  /** This device's own persistent key-value store (a door's whitelist); nobody else reads it. */
  storage: DeviceStorage;
  seams: S;
}

export interface Driver {
  /** Does the I/O; `signal` aborts when the gateway gives up on this start (its time limit) or stops. */
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  health(): DriverHealth;
  /** Figures for the township's `metrics` (`devices.figures`) and /metrics (`vgw_device_figure`); only drivers that keep some. */
  figures?(): DriverFigures;
  handleAction?(action: DeviceAction): Promise<void>;
}

export type DriverFactory<S = object, D extends DeviceConfigBase = DeviceConfigBase> = (ctx: DriverContext<S, D>) => Driver;

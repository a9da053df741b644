/**
 * Turns a controller's stored events into ours: a swipe is recorded by the access service as
 * `access.granted` / `access.denied` (the controller decided it from its own card list; create-gateway.ts
 * always builds that service); door, button and remote-open events become signals to the door devices. Events that
 * come live drive the doors' state machines; back-filled ones are reported as they happened, with the
 * controller's timestamp converted from its own time zone.
 */
import type { Logger } from 'pino';
import { isoLocal } from '../../gateway/kernel/clock.js';
import type { DeviceEventInput } from '../driver.js';
import type { UhppoteConfig } from './config.js';
import type { DoorSignal } from './door-signal.js';
import { EVENT_TYPE, type ControllerEvent } from './frames.js';
import { denyReason, REASON, reasonText } from './reasons.js';
import type { UhppoteSeams } from './controller.js';
import { instantOf } from './zoned-time.js';

type Door = UhppoteConfig['doors'][number];

export interface EventMapperOptions {
  device: UhppoteConfig;
  seams: Pick<UhppoteSeams, 'access'>;
  log: Logger;
  emit(event: DeviceEventInput): Promise<void>;
  signal(door: string, s: DoorSignal): Promise<void>;
  doorOf(number: number): Door | undefined;
}

/** How long our own open-door request's echo (a reason-44 event) is expected. */
const REMOTE_ECHO_MS = 10_000;

export class EventMapper {
  private readonly ownOpens = new Map<number, number>();

  constructor(private readonly o: EventMapperOptions) {}

  /** The next remote-open event of door `number` is the echo of our own 0x40, already reported by the door (`false`: the open failed, no echo comes). */
  expectRemoteOpen(number: number, expected: boolean): void {
    if (expected) this.ownOpens.set(number, Date.now() + REMOTE_ECHO_MS);
    else this.ownOpens.delete(number);
  }

  async deliver(e: ControllerEvent, live: boolean): Promise<void> {
    const door = this.o.doorOf(e.door);
    const at = e.at ? isoLocal(instantOf(e.at, this.o.device.timeZone)) : null;
    if (!door) {
      if (e.type !== EVENT_TYPE.none) this.o.log.info({ index: e.index, door: e.door, type: e.type }, 'controller event for a door not in its config');
      return;
    }
    const stamp = { index: e.index, at, ...(live ? {} : { backfilled: true }) };
    if (e.type === EVENT_TYPE.swipe) return this.swipe(e, door, live, stamp);
    if (e.type === EVENT_TYPE.alarm) return this.o.emit({ type: 'door.alarm', category: 'door', data: { door: door.device, reason: reasonText(e.reason), ...stamp } });
    if (e.type !== EVENT_TYPE.door) return;
    const report = (type: string, data: Record<string, unknown> = {}) => this.o.signal(door.device, { kind: 'backfilled', type, data: { ...data, ...stamp } });
    switch (e.reason) {
      case REASON.pushButton:
        return live ? this.o.signal(door.device, { kind: 'unlocked', by: 'rex', seconds: door.unlockSec, person: null }) : report('door.unlocked', { by: 'rex' });
      case REASON.supervisorOpen:
        return live ? this.o.signal(door.device, { kind: 'unlocked', by: 'supervisor', seconds: door.unlockSec, person: null }) : report('door.unlocked', { by: 'supervisor' });
      case REASON.remoteOpen:
      case REASON.remoteOpenUsb: {
        const until = this.ownOpens.get(e.door);
        this.ownOpens.delete(e.door);
        if (live && until !== undefined && until >= Date.now()) return;
        return live ? this.o.signal(door.device, { kind: 'unlocked', by: 'remote', seconds: door.unlockSec, person: null }) : report('door.unlocked', { by: 'remote' });
      }
      case REASON.doorOpened:
      case REASON.forcedOpen:
        // Live, the door's own state machine decides whether the opening was forced.
        if (live) return this.o.signal(door.device, { kind: 'contact', open: true });
        return report(e.reason === REASON.forcedOpen ? 'door.forced' : 'door.opened');
      case REASON.doorClosed:
        return live ? this.o.signal(door.device, { kind: 'contact', open: false }) : report('door.closed');
      case REASON.doorOpenTooLong:
        // Live, the door's own held-open timer reports it.
        return live ? undefined : report('door.held_open');
      default:
        this.o.log.debug({ index: e.index, reason: e.reason }, 'controller door event not mapped');
    }
  }

  private async swipe(e: ControllerEvent, door: Door, live: boolean, stamp: Record<string, unknown>): Promise<void> {
    const reason = e.granted ? undefined : denyReason(e.reason);
    // The ref makes a re-read after a crash one record; serial and time keep a reset board's restarted indices apart.
    const ref = `${this.o.device.serial}:${e.index}:${stamp.at ?? ''}`;
    const request = { door: door.device, credential: { method: 'card' as const, value: String(e.card) }, reader: this.o.device.id, direction: e.direction, ref };
    const person = (await this.o.seams.access.record(request, e.granted, reason)).person ?? null;
    if (!e.granted) return;
    if (live) return this.o.signal(door.device, { kind: 'unlocked', by: 'grant', seconds: door.unlockSec, person });
    return this.o.signal(door.device, { kind: 'backfilled', type: 'door.unlocked', data: { by: 'grant', ...(person ? { person } : {}), ...stamp } });
  }
}

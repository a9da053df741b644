/**
 * A door of a network controller: the same door state machine as a GPIO door, fed by its controller's
 * signals (device-drivers/uhppote/door-signal.ts). `unlock` asks the controller to open the door (0x40)
 * and resolves once the controller answered that it did. The controller re-locks by itself after its
 * door delay and says nothing (uhppoted-app-home-assistant#24): `door.locked` is reported when that
 * delay has passed.
 */
import type { DeviceAction, Driver, DriverContext, DriverHealth } from '../driver.js';
import type { DeviceActions } from '../seams.js';
import { DoorLogic } from '../door/door-logic.js';
import { unlockParams } from '../door/unlock-params.js';
import { OPEN_ACTION, SIGNAL_ACTION, type DoorSignal } from '../uhppote/door-signal.js';
import type { UhppoteDoorConfig } from './config.js';

export interface UhppoteDoorSeams {
  deviceActions: DeviceActions;
}

/** The default unlock when `unlock` names no seconds (the controller's own door delay applies to its grants). */
const DEFAULT_UNLOCK_SEC = 5;

export function createUhppoteDoor(ctx: DriverContext<UhppoteDoorSeams, UhppoteDoorConfig>): Driver {
  const { device: d, seams, log } = ctx;
  let health: DriverHealth = { status: 'stopped', online: false };
  let online = false;
  const pending = new Set<Promise<void>>();
  const track = (what: string, p: Promise<void>): Promise<void> => {
    const q = p.catch((err: unknown) => log.error({ err, what }, 'door could not record an event'));
    pending.add(q);
    void q.finally(() => pending.delete(q));
    return q;
  };
  const mirror = () => void track('state', ctx.setState({ online, state: logic.state() }));
  const logic = new DoorLogic({
    heldOpenSec: d.heldOpenSec,
    clock: ctx.clock,
    lock: {
      release: (seconds) => seams.deviceActions.act(d.controller, { name: OPEN_ACTION, params: { device: d.id, seconds } }),
      engage: async () => {},
    },
    emit: (type, data) => ctx.emit({ type, category: 'door', data }),
    changed: mirror,
    failed: (err, what) => log.error({ err, what }, 'door step failed'),
  });

  const onSignal = (s: DoorSignal): Promise<void> => {
    switch (s.kind) {
      case 'unlocked':
        return track('unlocked', logic.unlocked(s.by, s.seconds, s.person));
      case 'contact':
        return track('contact', s.open ? logic.opened() : logic.closed());
      case 'present':
        logic.open = s.open;
        return Promise.resolve(mirror());
      case 'backfilled':
        return track(s.type, ctx.emit({ type: s.type, category: 'door', data: s.data }));
      case 'online':
        online = s.online;
        return Promise.resolve(mirror());
    }
  };

  return {
    async start() {
      health = { status: 'ok', online: true };
    },
    async stop() {
      logic.stop();
      await Promise.all([...pending]);
      health = { status: 'stopped', online: false };
    },
    health: () => (health.status === 'ok' ? { ...health, online } : health),
    async handleAction(action: DeviceAction) {
      if (action.name === SIGNAL_ACTION) return onSignal(action.params.signal as DoorSignal);
      if (action.name !== 'unlock') throw new Error(`door "${d.id}" takes the action unlock, not "${action.name}"`);
      const u = unlockParams(d.id, action, DEFAULT_UNLOCK_SEC);
      await logic.unlock(u.by, u.seconds, u.person);
    },
  };
}

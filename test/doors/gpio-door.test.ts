/**
 * The GPIO door (issue 10, item 1) on simulated pins with real timing: forced, held open and cleared,
 * tailgating, an exit through the REX button that is not forced, an unlock that resolves only after
 * the relay released the lock, fail-secure and fail-safe relays, and in a whole gateway the events and
 * the retained state as the township receives them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Driver } from '../../device-drivers/driver.js';
import { doorSchema } from '../../device-drivers/door/config.js';
import { createDoor } from '../../device-drivers/door/door.js';
import { SimulatedGpio } from '../../device-drivers/gpio/simulated-backend.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { TownshipProbe } from '../support/township.js';
import { recordingContext } from '../gpio/support/driver-context.js';
import { startGpioGateway } from '../gpio/support/gpio-gateway.js';
import { waitUntil } from './support/wait.js';

const LOCK = 5;
const CONTACT = 6;
const REX = 13;
// Active-low contact and button (to ground, pull-up): 0 = door shut / button pressed.
const SHUT = 0;
const OPEN = 1;

let running: Driver[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
});

async function door(fields: Record<string, unknown> = {}) {
  const sim = new SimulatedGpio();
  sim.pin(CONTACT).set(SHUT);
  sim.pin(REX).set(1);
  const device = doorSchema.parse({ id: 'gate-east', driver: 'door', lockPin: LOCK, contactPin: CONTACT, rexPin: REX, debounceMs: 10, ...fields });
  const rec = recordingContext(device, { gpio: sim.gpio });
  const driver = createDoor(rec.ctx);
  await driver.start();
  running.push(driver);
  const unlock = (params: Record<string, unknown>) => (driver.handleAction as NonNullable<Driver['handleAction']>)({ name: 'unlock', params });
  const count = (type: string) => rec.events.filter((e) => e.type === type).length;
  const until = (type: string, n = 1, ms = 3000) => waitUntil(`${n} × ${type} (got ${rec.types().join(', ')})`, () => count(type) >= n, ms);
  return { ...rec, driver, sim, lock: sim.pin(LOCK), contact: sim.pin(CONTACT), rex: sim.pin(REX), unlock, count, until, device };
}

describe('GPIO door', () => {
  it('an opening with no grant, no exit button and no remote unlock is door.forced (critical by default)', async () => {
    const d = await door();
    expect(d.device.severity.types['door.forced']).toBe('critical');
    d.contact.set(OPEN);
    await d.until('door.forced');
    expect(d.types()).toEqual(['door.opened', 'door.forced']);
    expect(d.events.every((e) => e.category === 'door')).toBe(true);
    expect(d.events[0]!.data).toEqual({ by: 'none' });
    expect(d.states.at(-1)?.state).toMatchObject({ locked: true, open: true, lastGrant: null });
  });

  it('held open longer than heldOpenSec: door.held_open, then door.held_open.cleared when it shuts', async () => {
    const d = await door({ heldOpenSec: 0.3 });
    await d.unlock({ seconds: 3, by: 'grant', person: 'p-0001' });
    d.contact.set(OPEN);
    await d.until('door.held_open', 1, 3000);
    expect(d.count('door.held_open.cleared')).toBe(0);
    d.contact.set(SHUT);
    await d.until('door.held_open.cleared');
    expect(d.types()).toEqual(['door.unlocked', 'door.opened', 'door.held_open', 'door.closed', 'door.held_open.cleared']);
    expect(d.count('door.forced')).toBe(0);
    const cleared = d.events.find((e) => e.type === 'door.held_open.cleared')!;
    expect(cleared.data.openSec as number).toBeGreaterThanOrEqual(0.3);
  });

  it('the contact opening twice in one unlock window is door.tailgating, reported once per window', async () => {
    const d = await door({ heldOpenSec: 60 });
    await d.unlock({ seconds: 3, by: 'grant', person: 'p-0002' });
    for (let i = 0; i < 3; i++) {
      d.contact.set(OPEN);
      await d.until('door.opened', i + 1);
      d.contact.set(SHUT);
      await d.until('door.closed', i + 1);
    }
    expect(d.count('door.tailgating')).toBe(1);
    expect(d.events.find((e) => e.type === 'door.tailgating')!.data).toEqual({ openings: 2, unlocks: 1, by: 'grant', person: 'p-0002' });
    expect(d.count('door.forced')).toBe(0);
    // After the window the lock engages again, and the next opening is forced.
    await d.until('door.locked', 1, 8000);
    d.contact.set(OPEN);
    await d.until('door.forced');
  });

  it('an exit through the REX button releases the lock and is not forced', async () => {
    const d = await door({ unlockSec: 2 });
    expect(d.lock.level).toBe(0); // fail-secure, active-high relay: off = locked
    d.rex.set(0);
    await d.until('door.unlocked');
    expect(d.lock.level).toBe(1);
    d.rex.set(1);
    d.contact.set(OPEN);
    await d.until('door.opened');
    d.contact.set(SHUT);
    await d.until('door.locked', 1, 6000);
    expect(d.lock.level).toBe(0);
    expect(d.count('door.forced')).toBe(0);
    expect(d.events.find((e) => e.type === 'door.opened')!.data).toMatchObject({ by: 'rex' });
  });

  it('a REX that does not unlock (mechanical handle) still marks the opening as an exit', async () => {
    const d = await door({ rexUnlocks: false, unlockSec: 2 });
    d.rex.set(0);
    await d.until('door.unlocked');
    expect(d.lock.level).toBe(0);
    d.contact.set(OPEN);
    await d.until('door.opened');
    expect(d.count('door.forced')).toBe(0);
  });

  it('a remote unlock resolves only after the relay released the lock; it re-locks after its seconds', async () => {
    const d = await door();
    const released: bigint[] = [];
    d.lock.onLevel((e) => void (e.level === 1 && released.push(e.monoNs)));
    await d.unlock({ seconds: 0.3, by: 'remote' });
    expect(released).toHaveLength(1);
    expect(d.lock.level).toBe(1);
    expect(d.types()).toEqual(['door.unlocked']);
    expect(d.events[0]!.data).toEqual({ by: 'remote', seconds: 0.3 });
    expect(d.states.at(-1)?.state).toMatchObject({ locked: false, lastGrant: { by: 'remote', person: null } });
    const relocked = await d.lock.waitFor(0, 3000);
    expect(Number(relocked - released[0]!) / 1e6).toBeGreaterThanOrEqual(290);
    await d.until('door.locked');
    expect(d.states.at(-1)?.state).toMatchObject({ locked: true });
  });

  it('rejects a bad unlock with a clear error and drives nothing', async () => {
    const d = await door();
    await expect(d.unlock({ seconds: 0, by: 'remote' })).rejects.toThrow(/door "gate-east": unlock needs params.seconds between 0 and 300, got 0/);
    await expect(d.unlock({ seconds: 5, by: 'friend' })).rejects.toThrow(/params.by "grant" or "remote", got "friend"/);
    await expect((d.driver.handleAction as NonNullable<Driver['handleAction']>)({ name: 'open', params: {} })).rejects.toThrow(/takes the action unlock, not "open"/);
    expect(d.lock.history.filter((e) => e.level === 1)).toHaveLength(0);
    expect(d.events).toEqual([]);
  });

  it('fail-safe magnetic lock on an active-low board: energised (low) while locked, released high', async () => {
    const d = await door({ lock: 'fail-safe', lockActiveLow: true });
    expect(d.lock.level).toBe(0);
    await d.unlock({ seconds: 0.2, by: 'grant' });
    expect(d.lock.level).toBe(1);
    await d.lock.waitFor(0, 3000);
  });

  it('stopping the gateway locks the door and frees its pins (the relay board then falls to its fail state)', async () => {
    const d = await door();
    await d.unlock({ seconds: 30, by: 'remote' });
    expect(d.lock.level).toBe(1);
    await d.driver.stop();
    running = [];
    expect(d.lock.level).toBe(0);
    expect([d.lock.mode, d.contact.mode, d.rex.mode]).toEqual(['free', 'free', 'free']);
  });

  it('a lock pin that cannot be opened leaves the door degraded with a device.fault', async () => {
    const sim = new SimulatedGpio();
    sim.pin(LOCK).claim('output', null); // held by something else
    const device = doorSchema.parse({ id: 'gate-east', driver: 'door', lockPin: LOCK });
    const rec = recordingContext(device, { gpio: sim.gpio });
    const driver = createDoor(rec.ctx);
    await driver.start();
    expect(driver.health()).toMatchObject({ status: 'degraded', online: false });
    expect(rec.types()).toEqual(['device.fault']);
    await expect((driver.handleAction as NonNullable<Driver['handleAction']>)({ name: 'unlock', params: { seconds: 1, by: 'remote' } })).rejects.toThrow(/door "gate-east" is not available/);
  });
});

describe('GPIO door in a gateway', () => {
  it('forced raises a critical door event on the uplink, a reaction sounds the siren, the state is retained', async () => {
    const township = new EmbeddedBroker();
    await township.start();
    const probe = await TownshipProbe.connect(township.url, 'probe-gpio-door', 4);
    const sim = new SimulatedGpio();
    sim.pin(CONTACT).set(SHUT);
    const gw = await startGpioGateway({
      uplinkUrl: township.url,
      uplink: { protocolVersion: 4 },
      sim,
      devices: [
        { id: 'gate-east', driver: 'door', lockPin: LOCK, contactPin: CONTACT, debounceMs: 10 },
        { id: 'siren-gate', driver: 'relay', pin: 27, maxOnSec: 5 },
      ],
      reactions: [{ name: 'forced-siren', when: { type: 'door.forced', device: 'gate-east' }, do: { device: 'siren-gate', action: 'pulse', seconds: 0.3 } }],
    });
    try {
      sim.pin(CONTACT).set(OPEN);
      await sim.pin(27).waitFor(1, 5000);
      await probe.waitFor(() => probe.events.some((e) => e.type === 'door.forced'), 10_000, 'door.forced on the uplink');
      const forced = probe.events.find((e) => e.type === 'door.forced')!;
      expect([forced.device, forced.category, forced.severity]).toEqual(['gate-east', 'door', 'critical']);
      await probe.waitFor(() => probe.json('devices').some((m) => m.topic.endsWith('/gate-east/state') && (m.body.state as { open?: boolean }).open === true), 10_000, 'retained door state open');
      expect(probe.invalid).toEqual([]);
    } finally {
      await gw.gateway.stop();
      await probe.close();
      await township.stop();
    }
  });
});

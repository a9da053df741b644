/**
 * The UHPPOTE controller driver against the simulated controller over real UDP on loopback, in a whole
 * gateway with a real SQLite file: adoption (listener, special events, door delays, the clock in the
 * controller's own zone), pushed events mapped to access records and door events, remote opens, the
 * whitelist's cards pushed, TCP for a controller on another subnet.
 */
import { describe, expect, it } from 'vitest';
import { systemUdp } from '../../device-drivers/net/udp.js';
import { FN, request } from '../../device-drivers/uhppote/frames.js';
import { wallTime, type WallTime } from '../../device-drivers/uhppote/zoned-time.js';
import { actor } from './support/door-actor.js';
import { FakeAccess } from './support/fake-access.js';
import { doorEvents, RESIDENT, SERIAL, STRANGER, useRigs } from './support/uhppote-gateway.js';

const { rig } = useRigs();
const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

describe('UHPPOTE controller over UDP', () => {
  it('adopts the controller: listener to the gateway, special events on, door delays, clock in its own zone', async () => {
    const r = await rig({ timeZone: 'Asia/Shanghai' });
    expect(r.sim.listener).toEqual({ address: '127.0.0.1', port: r.listenPort, interval: 0 });
    expect(r.sim.recordSpecialEvents).toBe(true);
    expect(r.sim.doorDelay.slice(0, 2)).toEqual([3, 3]);
    expect(r.sim.doorMode.slice(0, 2)).toEqual([3, 3]);
    // The board's clock has no zone: it must now show Shanghai wall time (UTC+8), not UTC.
    expect(Math.abs(asUtc(r.sim.now()) - asUtc(wallTime(Date.now(), 'Asia/Shanghai')))).toBeLessThan(5000);
    expect(Math.abs(asUtc(r.sim.now()) - Date.now() - 8 * 3600_000)).toBeLessThan(5000);
    expect(r.gateway.inspect().failedComponents).toEqual([]);
    // Read (0x32) before it is set (0x30): the log says how far the board had drifted (8 h: it showed UTC).
    expect(r.sim.requests.indexOf(FN.getTime)).toBeLessThan(r.sim.requests.indexOf(FN.setTime));
    const set = r.logs.lines.find((l) => l.msg === 'controller clock set');
    expect(Math.abs((set?.driftSec as number) + 8 * 3600)).toBeLessThan(5);
    const berlin = await rig({ timeZone: 'Europe/Berlin' });
    expect(Math.abs(asUtc(berlin.sim.now()) - asUtc(wallTime(Date.now(), 'Europe/Berlin')))).toBeLessThan(5000);
  });

  it('a listener port already taken leaves the controller degraded with the key and the fix; the gateway runs on', async () => {
    const squatter = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 64 }, () => {});
    try {
      const r = await rig({ listenPort: squatter.port });
      const failed = r.gateway.inspect().failedComponents.find((c) => c.name === 'driver ctl-east');
      expect(failed?.message).toMatch(new RegExp(`controller "ctl-east": cannot listen for its events on UDP 127.0.0.1:${squatter.port} \\(EADDRINUSE\\); set listener.port to a free port`));
      expect(r.gateway.inspect().failedComponents.map((c) => c.name)).toEqual(['driver ctl-east']);
    } finally {
      await squatter.close();
    }
  });

  it('leaves the controller clock alone while the gateway clock is not synced (a Pi without RTC may think it is 1970)', async () => {
    const r = await rig({ synced: false });
    expect(r.sim.requests).not.toContain(FN.setTime);
    expect(r.sim.lastSetTime).toBeNull();
    expect(r.logs.has('gateway clock not synced; controller clock left as it is')).toBe(true);
  });

  it('maps pushed events: a granted swipe is recorded and opens the door window, an unknown card is denied, an opening without one is forced', async () => {
    const access = new FakeAccess();
    access.cards.set('gate-east', [{ card: RESIDENT, person: 'p-zhang-san', from: '2026-01-01', to: '2030-12-31' }]);
    const r = await rig({ access });
    await r.until('the resident card pushed to the controller', () => r.sim.cards.has(RESIDENT));
    r.sim.swipe(RESIDENT, 1);
    await r.until('door.unlocked of gate-east', () => r.types('gate-east').includes('door.unlocked'));
    expect(access.recorded[0]).toMatchObject({ request: { door: 'gate-east', reader: 'ctl-east', credential: { method: 'card', value: String(RESIDENT) }, direction: 'in' }, granted: true });
    const unlocked = r.events().find((e) => e.type === 'door.unlocked')!;
    expect(unlocked.data).toMatchObject({ by: 'grant', person: 'p-zhang-san', seconds: 3 });
    r.sim.setDoor(1, true);
    await r.until('door.opened', () => r.types('gate-east').includes('door.opened'));
    r.sim.setDoor(1, false);
    await r.until('door.closed and door.locked', () => r.types('gate-east').includes('door.closed') && r.types('gate-east').includes('door.locked'), 8000);
    r.sim.swipe(STRANGER, 1);
    await r.until('the stranger recorded', () => access.recorded.length === 2);
    expect(access.recorded[1]).toMatchObject({ granted: false, reason: 'unknown' });
    r.sim.setDoor(1, true);
    await r.until('door.forced', () => r.types('gate-east').includes('door.forced'));
    expect(doorEvents(r.types('gate-east'))).toEqual(['door.unlocked', 'door.opened', 'door.closed', 'door.locked', 'door.opened', 'door.forced']);
    const forced = r.events().find((e) => e.type === 'door.forced')!;
    expect([forced.category, forced.severity]).toEqual(['door', 'critical']);
    expect(r.gateway.db.prepare("SELECT value FROM device_kv WHERE device = 'ctl-east' AND key = 'eventIndex'").get()).toEqual({ value: String(r.sim.events.at(-1)!.index) });
    // Card numbers never in clear in the log or in what is published (the access service records the swipes).
    expect(JSON.stringify(r.logs.lines)).not.toContain(String(RESIDENT));
    expect(JSON.stringify(r.events())).not.toContain(String(RESIDENT));
  });

  it('v6.62 firmware (events start with 0x19) is understood; a swipe the controller granted is access.granted from the access service, the card masked', async () => {
    // No test double: the access service create-gateway.ts always builds, so there is no swipe without one.
    const r = await rig({ quirks: { v662: true } });
    r.sim.cards.set(RESIDENT, { from: '2026-01-01', to: '2030-12-31', doors: [1, 1, 0, 0] });
    r.sim.swipe(RESIDENT, 2, 'out');
    await r.until('access.granted', () => r.types().includes('access.granted'));
    const granted = r.events().find((e) => e.type === 'access.granted')!;
    expect([granted.device, granted.category]).toEqual(['ctl-east', 'access']);
    expect(granted.data).toMatchObject({ door: 'gate-side', reader: 'ctl-east', credential: { method: 'card', last2: '00' } });
    expect((granted.data.credential as { hash: string }).hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(r.events())).not.toContain(String(RESIDENT));
    await r.until('door.unlocked of gate-side', () => r.types('gate-side').includes('door.unlocked'));
    // The access record (人员进出记录) is the controller's own decision, its direction kept.
    expect(r.gateway.db.prepare('SELECT door, granted, direction, source FROM access_records').all()).toEqual([{ door: 'gate-side', granted: 1, direction: 'out', source: 'device' }]);
  });

  it('a remote unlock resolves once the controller answered the open-door frame; its echo is not a second unlock', async () => {
    const r = await rig();
    await actor.actions!.act('gate-east', { name: 'unlock', params: { seconds: 2, by: 'remote' } });
    expect(r.sim.unlocked(1)).toBe(true);
    expect(r.sim.requests.filter((f) => f === FN.openDoor)).toHaveLength(1);
    expect(r.sim.doorDelay[0]).toBe(2); // this unlock's seconds, restored afterwards
    r.sim.setDoor(1, true);
    await r.until('door.opened', () => r.types('gate-east').includes('door.opened'));
    expect(r.types('gate-east').filter((t) => t === 'door.unlocked')).toHaveLength(1);
    expect(r.types('gate-east')).not.toContain('door.forced');
    await r.until('door delay restored', () => r.sim.doorDelay[0] === 3, 8000);
    await expect(actor.actions!.act('gate-east', { name: 'unlock', params: { seconds: 0, by: 'remote' } })).rejects.toThrow(/params.seconds/);
  });

  it("an open from the vendor's own software (not ours) is still reported as a remote unlock, and the opening is not forced", async () => {
    const r = await rig();
    const vendor = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 1024 }, () => {});
    try {
      const open = request(FN.openDoor, SERIAL);
      open[8] = 2;
      await vendor.send(open, r.sim.port, '127.0.0.1');
      await r.until('door.unlocked by remote on gate-side', () => r.events().some((e) => e.device === 'gate-side' && e.type === 'door.unlocked' && e.data.by === 'remote'));
      r.sim.setDoor(2, true);
      await r.until('door.opened on gate-side', () => r.types('gate-side').includes('door.opened'));
      expect(r.types('gate-side')).not.toContain('door.forced');
    } finally {
      await vendor.close();
    }
  });

  it('a remote unlock that the controller does not answer rejects with a clear error', async () => {
    const r = await rig({ controller: { retries: 0 } });
    r.sim.quirks.mute = true;
    await expect(actor.actions!.act('gate-east', { name: 'unlock', params: { seconds: 2, by: 'remote' } })).rejects.toThrow(/controller 423187757 at 127.0.0.1:\d+ did not answer function 0x(80|40): no reply within 300 ms/);
    expect(r.types('gate-east')).not.toContain('door.unlocked');
  });

  it('pushes the whitelist cards (put and delete) and again on each change', async () => {
    const access = new FakeAccess();
    access.cards.set('gate-east', [{ card: 1001, person: 'p1', from: '2026-01-01', to: '2026-06-30' }, { card: 1002, person: 'p2', from: '2026-01-01', to: '2027-01-01' }]);
    access.cards.set('gate-side', [{ card: 1001, person: 'p1', from: '2025-01-01', to: '2026-03-31' }]);
    const r = await rig({ access });
    await r.until('two cards on the controller', () => r.sim.cards.size === 2);
    expect(r.sim.cards.get(1001)).toEqual({ from: '2025-01-01', to: '2026-06-30', doors: [1, 1, 0, 0] });
    expect(r.sim.cards.get(1002)).toEqual({ from: '2026-01-01', to: '2027-01-01', doors: [1, 0, 0, 0] });
    const puts = r.sim.requests.filter((f) => f === FN.putCard).length;
    access.set('gate-east', [{ card: 1002, person: 'p2', from: '2026-01-01', to: '2027-01-01' }]);
    await r.until('card 1001 now only at gate-side', () => r.sim.cards.get(1001)?.doors.join('') === '0100');
    access.set('gate-side', []);
    await r.until('card 1001 deleted', () => !r.sim.cards.has(1001));
    expect(r.sim.requests.filter((f) => f === FN.putCard).length).toBe(puts + 1); // only the changed card
    expect(r.sim.requests.filter((f) => f === FN.deleteCard)).toHaveLength(1);
  });

  it('a long first card push shows progress and does not hold back door events', async () => {
    const access = new FakeAccess();
    const CARDS = 2000;
    access.cards.set('gate-east', Array.from({ length: CARDS }, (_, i) => ({ card: 20_000_000 + i, person: `p-${i}`, from: '2026-01-01', to: '2030-12-31' })));
    const r = await rig({ access, quirks: { replyDelayMs: 1 } });
    await r.until('the push under way', () => r.sim.cards.size > 50);
    const t = Date.now();
    r.sim.swipe(20_000_001, 1);
    await r.until('the swipe recorded during the push', () => access.recorded.length === 1);
    const tookMs = Date.now() - t;
    expect(r.sim.cards.size, 'the push was still under way').toBeLessThan(CARDS);
    expect(tookMs).toBeLessThan(2000);
    // The board stores the last card before its reply reaches the gateway: wait for the gateway's own line.
    await r.until('the push done', () => r.logs.has('controller card list updated'), 30_000);
    expect(r.sim.cards.size).toBe(CARDS);
    expect(r.logs.lines.filter((l) => l.msg === 'pushing cards to the controller').map((l) => l.put)).toEqual([500, 1000, 1500, 2000]);
  });

  it('over TCP 60000 for a controller on another subnet: the same frames, events still by UDP', async () => {
    const r = await rig({ transport: 'tcp', tcp: true });
    expect(r.sim.listener?.port).toBe(r.listenPort);
    await actor.actions!.act('gate-side', { name: 'unlock', params: { seconds: 3, by: 'remote' } });
    expect(r.sim.unlocked(2)).toBe(true);
    r.sim.pressButton(2);
    r.sim.setDoor(2, true);
    await r.until('door.opened by rex on gate-side', () => r.events().some((e) => e.device === 'gate-side' && e.type === 'door.opened'));
    expect(r.types('gate-side')).not.toContain('door.forced');
  });
});

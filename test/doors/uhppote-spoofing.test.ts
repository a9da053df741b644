/**
 * Malformed and spoofed UHPPOTE frames: short, bad start byte, wrong function, wrong serial, another
 * sender, and well-formed events forged with the controller's own serial and address are refused,
 * counted and reported per reason and interval, never acted on, and the gateway keeps running.
 */
import { describe, expect, it } from 'vitest';
import { systemUdp } from '../../device-drivers/net/udp.js';
import { FN, request } from '../../device-drivers/uhppote/frames.js';
import { FakeAccess } from './support/fake-access.js';
import { RESIDENT, SERIAL, STRANGER, useRigs } from './support/uhppote-gateway.js';

const { rig } = useRigs();

describe('UHPPOTE malformed and spoofed frames', () => {
  it('a well-formed event forged from the controller address (right serial) is not believed: only the controller log counts', async () => {
    const access = new FakeAccess();
    const r = await rig({ access, controller: { pollSec: 3600 } });
    const forger = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 1024 }, () => {});
    try {
      const getEvents = () => r.sim.requests.filter((f) => f === FN.getEvent).length;
      const before = getEvents();
      const FORGED = 200;
      for (let i = 0; i < FORGED; i++) {
        const f = request(FN.status, SERIAL);
        f.writeUInt32LE(500 + i, 8); // far ahead of the controller's own log
        f[12] = 1; // a swipe
        f[13] = 1; // granted
        f[14] = 1; // door 1
        f.writeUInt32LE(RESIDENT, 16);
        f[28] = 1; // door 1 open
        await forger.send(f, r.listenPort, '127.0.0.1');
      }
      await r.until('every forged event refused', () => (r.gateway.inspect().rejections.bySubject.get('ctl-east') ?? 0) === FORGED, 10_000);
      expect(access.recorded).toEqual([]);
      expect(r.types('gate-east')).toEqual([]);
      // Each forged batch costs at most one look-up in the controller's log, never a walk to index 700.
      expect(getEvents() - before).toBeLessThan(FORGED);
      // The real next event still comes through, once.
      r.sim.swipe(STRANGER, 1);
      await r.until('the real swipe', () => access.recorded.length === 1);
      expect(access.recorded[0]).toMatchObject({ granted: false, request: { credential: { value: String(STRANGER) } } });
    } finally {
      await forger.close();
    }
  });

  it('short, bad start byte, wrong function, wrong serial and wrong sender are refused, counted and reported per reason; nothing crashes', async () => {
    const r = await rig();
    const good = (fn: number = FN.status, serial = SERIAL) => request(fn, serial);
    const attacker = await systemUdp.bind({ host: '127.0.0.1', port: 0, maxBytes: 1024 }, () => {});
    const other = await systemUdp.bind({ host: '127.0.0.2', port: 0, maxBytes: 1024 }, () => {}).catch(() => null);
    try {
      const send = (b: Buffer, s = attacker) => s.send(b, r.listenPort, '127.0.0.1');
      const FLOOD = 50;
      for (let i = 0; i < FLOOD; i++) await send(Buffer.alloc(10, 0x17));
      const badStart = good();
      badStart[0] = 0x18;
      await send(badStart);
      await send(good(FN.openDoor));
      const spoof = good(FN.status, SERIAL + 1);
      spoof.writeUInt32LE(999, 8);
      spoof[12] = 1;
      await send(spoof);
      if (other) {
        const forged = good();
        forged.writeUInt32LE(999, 8);
        forged[12] = 1;
        await send(forged, other);
      }
      const expected = FLOOD + (other ? 4 : 3);
      await r.until('all refusals counted', () => (r.gateway.inspect().rejections.bySubject.get('ctl-east') ?? 0) === expected);
      // The gateway keeps running and takes the next real event; the spoofed index 999 was never taken.
      r.sim.swipe(STRANGER, 1);
      await r.until('a real event after the garbage', () => r.types().includes('access.denied'));
      expect(r.types().filter((t) => t.startsWith('access.'))).toEqual(['access.denied']);
      expect(r.gateway.db.prepare("SELECT value FROM device_kv WHERE device = 'ctl-east' AND key = 'eventIndex'").get()).toEqual({ value: String(r.sim.events.at(-1)!.index) });
      // Reported as system events aggregated per reason and interval, not one stored event per frame.
      const reports = () => r.events().filter((x) => x.type === 'system.payload.rejected');
      const counted = (reason: string) => reports().filter((e) => e.data.reason === reason).reduce((n, e) => n + (e.data.count as number), 0);
      await r.until('every refusal in a report', () => reports().reduce((n, e) => n + (e.data.count as number), 0) === expected, 10_000);
      expect(counted('short-frame')).toBe(FLOOD);
      expect(reports().filter((e) => e.data.reason === 'short-frame').length).toBeLessThanOrEqual(3);
      for (const reason of ['bad-start', 'bad-function', 'wrong-serial', ...(other ? ['wrong-sender'] : [])]) expect(counted(reason), reason).toBe(1);
      expect(reports().every((e) => e.device === r.gateway.config.gateway.id || e.data.device === 'ctl-east')).toBe(true);
    } finally {
      await attacker.close();
      await other?.close();
    }
  });
});

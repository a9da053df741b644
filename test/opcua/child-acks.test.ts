/**
 * Issue 15, the fork channel's durability rule: the child keeps every value report until the daemon
 * acknowledges it (after commit) and sends it again, same `seq`, while it is not; an acknowledged one
 * is never sent again. Drives the real child through OpcuaHost with a user that withholds its acks, as a
 * driver does when its commit fails (a full disk).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaHost, type HostMessage } from '../../device-drivers/opcua/host.js';
import type { ValueReport } from '../../device-drivers/opcua/ipc.js';
import { Plc } from './plc.js';

describe('opcua child acknowledgements', { timeout: 60_000 }, () => {
  const plc = new Plc();
  const host = new OpcuaHost({ pkiDir: join(mkdtempSync(join(tmpdir(), 'vgw-acks-')), 'pki'), log: pino({ level: 'silent' }) });
  const reports: ValueReport[] = [];
  let ackFire = false;

  beforeAll(async () => {
    await plc.start();
    host.attach('pump-station', {
      deliver: (m: HostMessage) => {
        if (m.t !== 'value') return;
        reports.push(m);
        // Level reports are acknowledged at once; Fire's are withheld until the test allows them.
        if (m.item === 'level' || ackFire) host.send({ t: 'ack', device: 'pump-station', seq: m.seq });
      },
      setup: () => [{ t: 'mount', spec: { device: 'pump-station', endpoint: plc.url, security: { mode: 'None', policy: 'None' }, publishingIntervalMs: 50, reconnectMaxMs: 1000, items: [{ name: 'fire', nodeId: 'ns=1;s=Fire', samplingIntervalMs: 20 }, { name: 'level', nodeId: 'ns=1;s=Level', samplingIntervalMs: 20 }] } }],
      teardown: () => ({ t: 'unmount', device: 'pump-station' }),
    });
  });
  afterAll(async () => {
    await host.detach('pump-station');
    await plc.stop();
  });

  const until = async (what: string, predicate: () => boolean, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('sends an unacknowledged report again with its seq, and an acknowledged one never', async () => {
    await until('first values', () => reports.some((r) => r.item === 'fire') && reports.some((r) => r.item === 'level'));
    plc.set('Fire', true);
    await until('fire = true', () => reports.some((r) => r.item === 'fire' && r.value === true));
    const first = reports.find((r) => r.item === 'fire' && r.value === true)!;
    // Withheld: it comes again (after ~5 s), the same report.
    await until('the resend', () => reports.filter((r) => r.seq === first.seq).length >= 2);
    ackFire = true;
    await until('the next resend, now acknowledged', () => reports.filter((r) => r.seq === first.seq).length >= 3, 15_000);
    const seen = reports.filter((r) => r.seq === first.seq).length;
    const levels = reports.filter((r) => r.item === 'level').length;
    await new Promise((r) => setTimeout(r, 6000));
    expect(reports.filter((r) => r.seq === first.seq)).toHaveLength(seen);
    expect(reports.filter((r) => r.item === 'level')).toHaveLength(levels); // acknowledged at once: never again
    expect(new Set(reports.filter((r) => r.seq === first.seq).map((r) => JSON.stringify(r))).size).toBe(1);
  });
});

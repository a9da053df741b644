/**
 * Issue 8 D: the database deleted while the gateway runs, or a damaged file at start. Deleted files must
 * stop intake (no PUBACK, fault logged once, refusals counted); seq must never go back after the
 * restart that creates a new database; a damaged file must fail the start with the file and the fix.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { vgw } from '../support/vgw-cli.js';
import { GatewayError } from '../../gateway/kernel/errors.js';
import { validateUplink } from '../support/contract.js';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { GatewayProcess } from '../support/gateway-process.js';

// Nothing listens on port 1: these tests are about the village side only.
const DEAD_UPLINK = 'mqtt://127.0.0.1:1';
const DEVICE = { id: 'door-west', password: 'door-secret-22', category: 'door' };

/** 'acked' on PUBACK, 'refused' when the gateway closed the link or did not answer within the limit. */
function publishOnce(client: MqttClient, n: number, limitMs = 1500): Promise<'acked' | 'refused'> {
  return Promise.race([
    client.publishAsync(`dev/${DEVICE.id}/event`, JSON.stringify({ type: 'door.opened', n }), { qos: 1 }).then(() => 'acked' as const, () => 'refused' as const),
    // A refused publish closes the link (aedes: an authorizePublish error) with no PUBACK.
    new Promise<'refused'>((r) => client.once('close', () => r('refused'))),
    new Promise<'refused'>((r) => setTimeout(() => r('refused'), limitMs)),
  ]);
}


describe('database deleted while running', () => {
  it('refuses every later event (no PUBACK), logs the fault once, and seq goes on above the last used after restart', async () => {
    let fx: Fixture | null = await startFixture({ uplinkUrl: DEAD_UPLINK, devices: [DEVICE] });
    const dataDir = fx.dataDir;
    try {
      const first = await deviceClient(fx.gateway.localPort, DEVICE.id, DEVICE.password);
      expect(await publishOnce(first, 0)).toBe('acked');
      const last = await fx.gateway.testApi.emit({ device: DEVICE.id, category: 'door', type: 'door.opened', data: { n: 'last' } });
      for (const f of ['gateway.db', 'gateway.db-wal', 'gateway.db-shm']) rmSync(join(dataDir, f), { force: true });

      let acked = 0;
      const AFTER = 8;
      for (let n = 1; n <= AFTER; n++) {
        const c = first.connected ? first : await deviceClient(fx.gateway.localPort, DEVICE.id, DEVICE.password);
        if ((await publishOnce(c, n)) === 'acked') acked++;
        if (c !== first) await c.endAsync(true);
      }
      await first.endAsync(true);
      expect(acked, 'events acknowledged into the deleted database file').toBe(0);
      await expect(fx.gateway.testApi.emit({ device: DEVICE.id, category: 'door', type: 'panic.pressed', data: {} })).rejects.toMatchObject({ code: 'VGW_DB_LOST' });
      expect(fx.gateway.inspect().refused.dbLost).toBeGreaterThanOrEqual(AFTER + 1);
      expect(fx.logs.lines.filter((l) => l.msg === 'database file vanished or replaced: intake stopped')).toHaveLength(1);

      await fx.gateway.stop();
      fx = await startFixture({ uplinkUrl: DEAD_UPLINK, devices: [DEVICE], dataDir });
      const next = await fx.gateway.testApi.emit({ device: DEVICE.id, category: 'door', type: 'door.opened', data: { n: 'after restart' } });
      expect(next.seq, `seq after the restart (last used before: ${last.seq})`).toBeGreaterThan(last.seq);
      expect(fx.gateway.inspect().skippedAtStart).toMatchObject({ from: expect.any(Number) as number });
      // The jump is reported, valid against the contract's schema.
      const rows = fx.gateway.testApi.outboxPage(0, 0, 100).filter((r) => r.payload.includes('system.seq.skipped'));
      expect(rows).toHaveLength(1);
      expect(validateUplink(rows[0]!.topic, rows[0]!.payload)).toMatchObject({ ok: true });
    } finally {
      await fx?.gateway.stop();
    }
  });
});

describe('damaged database file at start', () => {
  it('fails with a GatewayError naming the file and the fix; moved aside, the gateway starts empty and keeps seq', async () => {
    const fx = await startFixture({ uplinkUrl: DEAD_UPLINK, devices: [DEVICE] });
    const last = await fx.gateway.testApi.emit({ device: DEVICE.id, category: 'door', type: 'door.opened', data: {} });
    await fx.gateway.stop();
    const db = join(fx.dataDir, 'gateway.db');
    writeFileSync(db, Buffer.alloc(8192, 'garbage!'));

    const err = await startFixture({ uplinkUrl: DEAD_UPLINK, devices: [DEVICE], dataDir: fx.dataDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('VGW_DB_CORRUPT');
    expect((err as GatewayError).message).toContain(db);
    expect((err as GatewayError).message).toMatch(/mv .*gateway\.db .*gateway\.db\.corrupt-\d{8}T\d{6}/);

    renameSync(db, `${db}.corrupt-test`);
    const again = await startFixture({ uplinkUrl: DEAD_UPLINK, devices: [DEVICE], dataDir: fx.dataDir });
    try {
      const next = await again.gateway.testApi.emit({ device: DEVICE.id, category: 'door', type: 'door.opened', data: {} });
      expect(next.seq).toBeGreaterThan(last.seq);
    } finally {
      await again.gateway.stop();
    }
  });

  it('vgw run says which file and the fix in one line, without a stack trace; vgw check says so too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-corrupt-'));
    const gw = await GatewayProcess.prepare({ uplinkUrl: DEAD_UPLINK, devices: [DEVICE], dataDir });
    writeFileSync(join(dataDir, 'gateway.db'), Buffer.alloc(8192, 'garbage!'));
    const run = await vgw(['run', '--config', gw.configFile]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^vgw: the database file .*gateway\.db is damaged .*Fix: .*mv /m);
    expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
    const check = await vgw(['check', '--offline', '--config', gw.configFile]);
    expect(check.code).toBe(2);
    expect(check.stdout).toMatch(/PROBLEM gateway\.dataDir: the database file .*gateway\.db is damaged .*mv /);
  });
});

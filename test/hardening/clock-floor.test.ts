/**
 * Issue 8, finding 13: expiry is judged against a trusted time floor that never goes back (the clock
 * while synced, the issue time of verified commands), kept in SQLite. With the clock 30 days behind, a
 * captured command that expired 10 days ago is refused, and the reply says why.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../gateway/kernel/clock.js';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { LogSink, TOWNSHIP, buildConfig } from '../support/gateway-fixture.js';
import { TownshipProbe } from '../support/township.js';

const GW = '370283104-clock-01';
const DAY = 24 * 3600 * 1000;
const key = generateOperatorKey();
const PING = `pingan/v1/${TOWNSHIP}/${GW}/cmd/ping`;

const clockAt = (offsetMs: number, synced: boolean): Clock => ({ now: () => Date.now() + offsetMs, synced: () => synced });
const ping = (issuedAt: number, expiresAt: number) => ({ id: uuidv7(), name: 'ping', township: TOWNSHIP, target: GW, issuedAt: new Date(issuedAt).toISOString(), expiresAt: new Date(expiresAt).toISOString(), by: 'test-operator' });

describe('expiry judged by a trusted time floor', () => {
  const township = new EmbeddedBroker();
  let probe: TownshipProbe;
  let gateway: Gateway | null = null;

  const start = async (dataDir: string, clock: Clock) => {
    const raw = await buildConfig({ uplinkUrl: township.url, dataDir, gatewayId: GW, devices: [], uplink: { protocolVersion: 4 }, override: { commands: { operators: [{ kid: 'ops-a', publicKey: key.publicRaw, roles: ['admin'] }] } } });
    gateway = createGateway({ config: parseConfig(raw), log: pino({ level: 'silent' }, new LogSink()), clock });
    await gateway.start();
    await probe.waitFor(() => gateway!.inspect().commandsReady, 10_000, 'command subscription');
  };
  const stop = async () => {
    await gateway?.stop();
    gateway = null;
  };
  const send = async (c: ReturnType<typeof ping>) => {
    await probe.client.publishAsync(PING, JSON.stringify(signCommand(c, 'ops-a', key.privatePem)), { qos: 1 });
    await probe.waitFor(() => probe.json('replies').some((m) => m.body.id === c.id), 10_000, `reply to ${c.id}`);
    return probe.json('replies').find((m) => m.body.id === c.id)!.body;
  };

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-clock', 4);
  });
  afterAll(async () => {
    await stop();
    await probe?.close();
    await township.stop();
  });

  it('refuses a captured command that expired 10 days ago after a reboot with the clock 30 days behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-clock-'));
    await start(dataDir, clockAt(0, true)); // the box ran with NTP: its synced time is the floor
    expect((await send(ping(Date.now(), Date.now() + 60_000))).status).toBe('done');
    await stop();
    await start(dataDir, clockAt(-30 * DAY, false)); // rebooted without network: no RTC, clock behind
    const captured = ping(Date.now() - 12 * DAY, Date.now() - 10 * DAY);
    const reply = await send(captured);
    expect(reply).toMatchObject({ status: 'rejected', error: { code: 'expired' } });
    expect((reply.error as { message: string }).message).toMatch(/judged by the trusted time floor .*the system clock is behind/);
    // A current command still runs: the floor only ever refuses what is truly expired.
    expect((await send(ping(Date.now(), Date.now() + 60_000))).status).toBe('done');
    await stop();
  });

  it('with a synced clock, a command from an operator tool whose clock is a year ahead does not expire later ones', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-clock-'));
    await start(dataDir, clockAt(0, true));
    expect((await send(ping(Date.now() + 365 * DAY, Date.now() + 365 * DAY + 60_000))).status).toBe('done');
    expect((await send(ping(Date.now(), Date.now() + 60_000))).status).toBe('done');
    await stop();
  });

  it('raises the floor from a verified command when the clock was never synced, and keeps it across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-clock-'));
    await start(dataDir, clockAt(-30 * DAY, false));
    // The operator's signed issue time is trusted: a current command runs although the clock is behind.
    expect((await send(ping(Date.now(), Date.now() + 60_000))).status).toBe('done');
    const captured = ping(Date.now() - 12 * DAY, Date.now() - 10 * DAY);
    expect(await send(captured)).toMatchObject({ status: 'rejected', error: { code: 'expired' } });
    await stop();
    await start(dataDir, clockAt(-40 * DAY, false));
    const again = ping(Date.now() - 12 * DAY, Date.now() - 10 * DAY);
    expect(await send(again)).toMatchObject({ status: 'rejected', error: { code: 'expired', message: expect.stringMatching(/trusted time floor/) } });
    await stop();
  });
});

/**
 * Issue 9: a driver kind defined only in this test folder (test/drivers/throwaway) — schema, factory,
 * action, command with a role — is mounted by the gateway through `createGateway({ drivers })`,
 * without any core file naming it.
 */
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultModules } from '../../device-drivers/registry.js';
import { generateOperatorKey, signCommand } from '../../gateway/kernel/signing.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { LogSink, TOWNSHIP } from '../support/gateway-fixture.js';
import { chimeModule, rings, udpPorts } from './throwaway/index.js';

const GW = '370283104-chime-01';
const modules = [...defaultModules, chimeModule];
const door = generateOperatorKey();
const arm = generateOperatorKey();

function raw(dataDir: string, extra: Record<string, unknown> = {}) {
  return {
    gateway: { id: GW, township: TOWNSHIP, dataDir, clockSyncedFile: '/' },
    localBroker: { host: '127.0.0.1', port: 0 },
    // Nobody listens there: the events wait in the outbox, which is what this test reads.
    uplink: { url: 'mqtt://127.0.0.1:9', backoffInitialMs: 100, backoffMaxMs: 500, metricsIntervalSec: 0 },
    commands: { operators: [{ kid: 'ops-door', publicKey: door.publicRaw, roles: ['door'] }, { kid: 'ops-arm', publicKey: arm.publicRaw, roles: ['arm'] }] },
    devices: [{ id: 'chime-hall', driver: 'test-chime', tone: 'dong' }],
    ...extra,
  };
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const events = (g: Gateway) => (g.db.prepare("SELECT payload FROM outbox WHERE kind = 'event'").all() as { payload: Buffer }[]).map((r) => JSON.parse(r.payload.toString()) as { type: string; device: string; data: Record<string, unknown> });

function command(name: string, params: Record<string, unknown>) {
  const now = Date.now();
  return { id: uuidv7(), name, township: TOWNSHIP, target: GW, issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString(), by: 'test-operator', ...params };
}

describe('a driver kind from the test folder', () => {
  let gateway: Gateway | null = null;
  afterEach(async () => {
    await gateway?.stop();
    gateway = null;
  });

  it('validates its config and checks reactions against its actions', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-chime-'));
    expect(() => parseConfig(raw(dataDir), 'test config')).toThrow(/test-chime/);
    expect(parseConfig(raw(dataDir), 'test config', modules).devices[0]).toMatchObject({ id: 'chime-hall', driver: 'test-chime', tone: 'dong' });
    const reaction = { reactions: [{ name: 'ring-on-alarm', when: { type: 'chime.pinged' }, do: { device: 'chime-hall', action: 'on' } }] };
    expect(() => parseConfig(raw(dataDir, reaction), 'test config', modules)).toThrow(/a test chime takes "ring", not "on"/);
  });

  it('mounts, starts, takes its role-checked command, emits with an attachment, stores, reports health', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vgw-chime-'));
    const logs = new LogSink();
    const config = parseConfig(raw(dataDir), 'test config', modules);
    gateway = createGateway({ config, log: pino({ level: 'debug' }, logs), drivers: modules });
    await gateway.start();
    const g = gateway;

    // Its UDP seam is a real socket on loopback; a datagram becomes an event with the bytes attached.
    const port = udpPorts.get('chime-hall');
    expect(port).toBeGreaterThan(0);
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.send('hello', port as number, '127.0.0.1', () => r()));
    client.close();
    await waitFor(() => events(g).some((e) => e.type === 'chime.pinged'), 10_000, 'the chime.pinged event in the outbox');
    const pinged = events(g).find((e) => e.type === 'chime.pinged');
    expect(pinged).toMatchObject({ device: 'chime-hall', data: { text: 'hello', attachment: { contentType: 'text/plain', bytes: 5 } } });
    const file = join(dataDir, 'attachments', (pinged?.data.attachment as { file: string }).file);
    expect(existsSync(file) && readFileSync(file, 'utf8')).toBe('hello');

    // Its command needs the `door` role: an `arm` key is refused and nothing rings.
    const topic = `pingan/v1/${TOWNSHIP}/${GW}/cmd/chime.ring`;
    const rejectedBefore = g.inspect().commands.rejected;
    await g.testApi.handleCommand(topic, Buffer.from(JSON.stringify(signCommand(command('chime.ring', { device: 'chime-hall', times: 2 }), 'ops-arm', arm.privatePem))));
    expect(g.inspect().commands.rejected).toBe(rejectedBefore + 1);
    expect(rings.get('chime-hall') ?? []).toHaveLength(0);
    await g.testApi.handleCommand(topic, Buffer.from(JSON.stringify(signCommand(command('chime.ring', { device: 'chime-hall', times: 2 }), 'ops-door', door.privatePem))));
    await waitFor(() => (rings.get('chime-hall') ?? []).length === 1, 10_000, 'the chime to ring');
    expect(rings.get('chime-hall')).toEqual([{ tone: 'dong', times: 2 }]);
    await waitFor(() => events(g).some((e) => e.type === 'chime.rang'), 10_000, 'the chime.rang event');

    // Its health() is read into the metrics and the state mirror.
    expect(g.metrics().devices.degraded).toEqual([{ device: 'chime-hall', status: 'degraded', detail: 'test chime has no speaker' }]);
    const state = g.db.prepare("SELECT payload FROM outbox WHERE kind = 'state'").all() as { payload: Buffer }[];
    expect(state.map((r) => JSON.parse(r.payload.toString()) as unknown).at(-1)).toMatchObject({ online: true, state: { starts: 1 }, health: { status: 'degraded', detail: 'test chime has no speaker' } });
    expect(g.inspect().busSubscribers).toEqual(['outbox', 'local reactions']);

    // Its storage port persists across a restart.
    await g.stop();
    gateway = createGateway({ config, log: pino({ level: 'debug' }, logs), drivers: modules });
    await gateway.start();
    const g2 = gateway;
    await waitFor(() => (g2.db.prepare("SELECT value FROM device_kv WHERE device = 'chime-hall' AND key = 'started'").get() as { value: string } | undefined)?.value === '2', 5000, 'the second start to be stored');
  });
});

/**
 * The village LAN side with real aedes and mqtt.js over loopback: logins, the namespace ACL, bad
 * payloads — each refused, counted and reported — while the other devices keep being served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { TownshipProbe } from '../support/township.js';

describe('local broker: authentication, ACL and payload validation', () => {
  const township = new EmbeddedBroker();
  let fx: Fixture;
  let probe: TownshipProbe;
  const systemEvents = (type: string) => probe.events.filter((e) => e.type === type);

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-local', 4);
    fx = await startFixture({ uplinkUrl: township.url, uplink: { protocolVersion: 4 } });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await probe?.close();
    await township.stop();
  });

  it('refuses anonymous, unknown and wrong-password logins, and reports them', async () => {
    const port = fx.gateway.localPort;
    await expect(deviceClient(port, '', '')).rejects.toThrow(/Not authorized/i);
    await expect(deviceClient(port, 'ghost-device', 'whatever-pass')).rejects.toThrow(/Bad username or password/i);
    await expect(deviceClient(port, 'panic-east-gate', 'wrong-password')).rejects.toThrow(/Bad username or password/i);
    await probe.waitFor(() => systemEvents('system.auth.failed').length === 3, 5000, 'three auth reports');
    expect(systemEvents('system.auth.failed').map((e) => e.data.reason).sort()).toEqual(['anonymous', 'bad-password', 'unknown-device']);
    const good = await deviceClient(port, 'panic-east-gate', 'panic-secret-1');
    await good.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed', zone: 'east' }), { qos: 1 });
    await probe.waitFor(() => probe.events.some((e) => e.type === 'panic.pressed'), 5000, 'the good device event');
    const ev = probe.events.find((e) => e.type === 'panic.pressed')!;
    expect(ev).toMatchObject({ device: 'panic-east-gate', category: 'alarm', severity: 'critical', data: { zone: 'east' } });
    await good.endAsync();
  });

  it('closes a device that publishes outside its namespace and refuses foreign subscriptions', async () => {
    const port = fx.gateway.localPort;
    const door = await deviceClient(port, 'door-west', 'door-secret-22');
    // mqtt.js turns any refused topic into an error that carries the SUBACK.
    const suback = await door.subscribeAsync(['dev/panic-east-gate/cmd', 'dev/door-west/cmd', '#']).catch((err: { packet: { granted: number[] } }) => err.packet);
    expect('granted' in suback ? suback.granted : null).toEqual([128, 0, 128]);
    const closed = new Promise<void>((r) => door.once('close', () => r()));
    door.publish('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed' }), { qos: 1 });
    await closed;
    // Aggregated per type and reason (issue 8 #4): the topics are samples, not one report each.
    const deniedCount = () => systemEvents('system.acl.denied').reduce((n, e) => n + (e.data.count as number), 0);
    await probe.waitFor(() => deniedCount() >= 3, 5000, 'ACL reports');
    const samples = systemEvents('system.acl.denied').flatMap((e) => (e.data.samples as Record<string, unknown>[] | undefined) ?? [e.data]);
    const denied = samples.map((d) => `${d.action} ${d.topic}`).sort();
    expect(denied).toEqual(['publish dev/panic-east-gate/event', 'subscribe #', 'subscribe dev/panic-east-gate/cmd']);
    expect(probe.events.filter((e) => e.type === 'panic.pressed')).toHaveLength(1); // the forged one never became an event
    door.end(true);
  });

  it('rejects, counts and reports bad payloads while the connection and other devices carry on', async () => {
    const port = fx.gateway.localPort;
    const panic = await deviceClient(port, 'panic-east-gate', 'panic-secret-1');
    const countedBefore = fx.gateway.inspect().rejections.bySubject.get('panic-east-gate') ?? 0;
    const bad: [string, string | Buffer][] = [
      ['not-json', '{"type": "panic.pressed"'],
      ['not-object', '[1,2,3]'],
      ['too-large', JSON.stringify({ type: 'x', blob: 'a'.repeat(20_000) })],
      ['bad-type', JSON.stringify({ type: 'Has Spaces!' })],
    ];
    for (const [, payload] of bad) await panic.publishAsync('dev/panic-east-gate/event', payload, { qos: 1 });
    await panic.publishAsync('dev/panic-east-gate/whatever', '{}', { qos: 1 });
    const door = await deviceClient(port, 'door-west', 'door-secret-22');
    await door.publishAsync('dev/door-west/event', JSON.stringify({ type: 'door.forced' }), { qos: 1 });
    await probe.waitFor(() => systemEvents('system.payload.rejected').length >= 5 && probe.events.some((e) => e.type === 'door.forced'), 5000, 'payload reports');
    const reasons = systemEvents('system.payload.rejected').map((e) => e.data.reason).sort();
    expect(reasons).toEqual(['bad-type', 'not-json', 'not-object', 'too-large', 'unknown-topic']);
    expect(systemEvents('system.payload.rejected').every((e) => e.data.device === 'panic-east-gate' && e.data.count === 1)).toBe(true);
    expect(fx.gateway.inspect().rejections.bySubject.get('panic-east-gate')).toBe(countedBefore + 5);
    expect(panic.connected).toBe(true);
    expect(probe.events.filter((e) => e.type === 'x' || e.type === 'Has Spaces!')).toEqual([]);
    await Promise.all([panic.endAsync(), door.endAsync()]);
  });

  it('mirrors retained device state and reports online/offline, including by last will', async () => {
    const port = fx.gateway.localPort;
    const door = await deviceClient(port, 'door-west', 'door-secret-22', { will: { topic: 'dev/door-west/status', payload: Buffer.from('offline'), qos: 1, retain: true } });
    await door.publishAsync('dev/door-west/state', JSON.stringify({ open: true, battery: 87 }), { qos: 1, retain: true });
    const stateTopic = `pingan/v1/370283104/${fx.gatewayId}/devices/door-west/state`;
    await probe.waitFor(() => probe.json('devices').some((m) => m.topic === stateTopic && (m.body.state as { battery?: number }).battery === 87), 5000, 'state mirror');
    const before = probe.events.filter((e) => e.device === 'door-west' && e.type === 'device.offline').length;
    (door as unknown as { stream: { destroy(): void } }).stream.destroy(); // dies without DISCONNECT: the will fires
    await probe.waitFor(() => probe.events.filter((e) => e.device === 'door-west' && e.type === 'device.offline').length > before, 5000, 'offline event');
    const offline = probe.events.filter((e) => e.device === 'door-west' && e.type === 'device.offline').at(-1)!;
    expect(['will', 'disconnect']).toContain(offline.data.reason);
    await probe.waitFor(() => probe.json('devices').some((m) => m.topic === stateTopic && m.body.online === false), 5000, 'offline mirror');
    expect(probe.messages.filter((m) => m.topic === stateTopic).every((m) => m.topic === stateTopic)).toBe(true);
    expect(probe.invalid).toEqual([]);
  });
});

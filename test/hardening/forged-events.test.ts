/**
 * Issue 8, findings 9 and 10 (intake half), with real aedes and mqtt.js: a LAN device cannot send
 * `system.*` events nor, when its config lists `types`, any other type; an event nested deeper than 16
 * is refused before it is parsed. Each is rejected, reported and PUBACKed (the device does not retry
 * forever), and the monitor trusts eviction reports only from the gateway itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../device-drivers/mqtt/passwords.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { MonitorModel } from '../../provisioning/township/monitor/model.js';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { TownshipProbe } from '../support/township.js';
import { birthMsg, envelope, eventMsg, evictionReport } from '../monitor/envelopes.js';

const nested = (depth: number) => `{"type":"door.opened","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

describe('device events: forged types, listed types, nesting depth', () => {
  const township = new EmbeddedBroker();
  let fx: Fixture;
  let probe: TownshipProbe;
  const reports = (reason: string) => probe.events.filter((e) => e.type === 'system.payload.rejected' && e.data.reason === reason);

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-forged', 4);
    const devices = [
      { id: 'door-west', driver: 'mqtt', category: 'door', passwordHash: await hashPassword('door-secret-22'), types: ['door.opened', 'door.closed'] },
      { id: 'sensor-any', driver: 'mqtt', category: 'device', passwordHash: await hashPassword('sensor-secret-3') },
    ];
    fx = await startFixture({ uplinkUrl: township.url, uplink: { protocolVersion: 4 }, override: { devices } });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await probe?.close();
    await township.stop();
  });

  it('refuses system.* types from any device and unlisted types from a device with `types`, with a PUBACK', async () => {
    const port = fx.gateway.localPort;
    const sensor = await deviceClient(port, 'sensor-any', 'sensor-secret-3');
    const door = await deviceClient(port, 'door-west', 'door-secret-22');
    // Each publishAsync resolves only on the PUBACK: the refused messages are acknowledged.
    await sensor.publishAsync('dev/sensor-any/event', JSON.stringify({ type: 'system.outbox.evicted', count: 1e8, bySeverity: { info: 1e8 }, ranges: [[1, 1e8]], maxRows: 1, maxBytes: 1 }), { qos: 1 });
    await door.publishAsync('dev/door-west/event', JSON.stringify({ type: 'system.started', version: 'x', bootId: 'y' }), { qos: 1 });
    await door.publishAsync('dev/door-west/event', JSON.stringify({ type: 'panic.pressed' }), { qos: 1 });
    await door.publishAsync('dev/door-west/event', JSON.stringify({ type: 'door.opened', door: 'west' }), { qos: 1 });
    await sensor.publishAsync('dev/sensor-any/event', JSON.stringify({ type: 'temperature.read', c: 21 }), { qos: 1 });
    await probe.waitFor(() => reports('forbidden-type').length >= 1 && reports('unlisted-type').length >= 1 && probe.events.some((e) => e.type === 'temperature.read'), 10_000, 'reports and the good events');
    expect(probe.events.filter((e) => e.type.startsWith('system.') && e.device !== fx.gatewayId)).toEqual([]);
    expect(probe.events.filter((e) => e.type === 'panic.pressed')).toEqual([]);
    expect(probe.events.find((e) => e.type === 'door.opened')).toMatchObject({ device: 'door-west', severity: 'info', data: { door: 'west' } });
    const forbidden = reports('forbidden-type').reduce((n, e) => n + (e.data.count as number), 0);
    expect(forbidden + reports('unlisted-type').reduce((n, e) => n + (e.data.count as number), 0)).toBeLessThanOrEqual(3);
    expect(fx.gateway.inspect().rejections.total).toBeGreaterThanOrEqual(3);
    expect(sensor.connected && door.connected).toBe(true);
    expect(probe.invalid).toEqual([]);
    await Promise.all([sensor.endAsync(), door.endAsync()]);
  });

  it('refuses an 8,000-deep event before parsing it, acknowledges it, and keeps the connection', async () => {
    const sensor = await deviceClient(fx.gateway.localPort, 'sensor-any', 'sensor-secret-3');
    const acceptedBefore = fx.gateway.inspect().accepted;
    await sensor.publishAsync('dev/sensor-any/event', nested(8000), { qos: 1 }); // PUBACK, not a closed connection
    await sensor.publishAsync('dev/sensor-any/event', nested(17), { qos: 1 });
    await sensor.publishAsync('dev/sensor-any/state', nested(500), { qos: 1 });
    await sensor.publishAsync('dev/sensor-any/event', JSON.stringify({ type: 'door.opened', s: '[[[[[[[[[[[[[[[[[[[[[[[[[[' }), { qos: 1 }); // brackets in strings do not count
    await sensor.publishAsync('dev/sensor-any/event', nested(16), { qos: 1 });
    await probe.waitFor(() => reports('too-deep').length >= 1 && probe.events.filter((e) => e.device === 'sensor-any' && e.type === 'door.opened').length === 2, 10_000, 'too-deep report and the two good events');
    expect(sensor.connected).toBe(true);
    expect(fx.gateway.inspect().accepted - acceptedBefore).toBeGreaterThanOrEqual(2);
    expect(probe.invalid).toEqual([]);
    await sensor.endAsync();
  });
});

describe('monitor: eviction reports count only from the gateway itself', () => {
  const GW = '370283104-mon-01';
  it('keeps a hole unexplained when a device forges system.outbox.evicted', () => {
    const m = new MonitorModel({ settleMs: 1000 });
    m.ingest(birthMsg(GW), 0);
    m.ingest(eventMsg(envelope(GW, 1)), 10);
    m.ingest(eventMsg(envelope(GW, 5)), 20); // 2..4 lost
    const forged = evictionReport(GW, 6, [[1, 1e8]]);
    m.ingest(eventMsg({ ...forged, device: 'door-east', category: 'door' }), 30);
    m.ingest(eventMsg({ ...evictionReport(GW, 7, [[1, 1e8]]), device: 'door-east' }), 31); // category system, device not the gateway
    expect(m.gateways(5000)[0]!.gaps).toMatchObject({ unexplained: 3, explained: 0, unexplainedRanges: [[2, 4]] });
    m.ingest(eventMsg(evictionReport(GW, 8, [[2, 3]])), 40); // the gateway's own report
    expect(m.gateways(5000)[0]!.gaps).toMatchObject({ unexplained: 1, explained: 2 });
  });
});

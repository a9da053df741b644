/**
 * TLS and credentials to the township (a real Mosquitto with TLS and a password file): the gateway
 * connects only with the right CA and password, buffers while refused, and delivers once fixed.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts } from '../support/certs.js';
import { deviceClient } from '../support/devices.js';
import { startFixture, type Fixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';

const GW = '370283104-tls-01';

describe.runIf(requireTools('mosquitto', 'mosquitto_passwd', 'openssl'))('uplink over TLS with a password', () => {
  const certs = requireTools('openssl') ? makeCerts() : { dir: '', ca: '', cert: '', key: '' };
  const passwords = join(certs.dir, 'passwd');
  const broker = new Mosquitto({ allowAnonymous: false, extraLines: [`password_file ${passwords}`], listenerLines: [`cafile ${certs.ca}`, `certfile ${certs.cert}`, `keyfile ${certs.key}`] });
  const secretFile = join(certs.dir, 'uplink.password');
  let fx: Fixture;

  beforeAll(async () => {
    execFileSync('mosquitto_passwd', ['-c', '-b', passwords, GW, 'right-password']);
    execFileSync('mosquitto_passwd', ['-b', passwords, 'monitor', 'monitor-password']);
    await broker.start();
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await broker.stop();
  });

  it('is refused with a wrong password, buffers, and delivers once the password is fixed', async () => {
    writeFileSync(secretFile, 'wrong-password\n');
    const url = `mqtts://127.0.0.1:${broker.port}`;
    fx = await startFixture({ uplinkUrl: url, gatewayId: GW, uplink: { tls: { ca: certs.ca }, passwordFile: secretFile } });
    const { connectAsync } = await import('mqtt');
    const monitor = await connectAsync(url, { ca: [execFileSync('cat', [certs.ca])], username: 'monitor', password: 'monitor-password', protocolVersion: 5 });
    const got: string[] = [];
    monitor.on('message', (_t, p) => got.push((JSON.parse(p.toString()) as { type?: string }).type ?? 'status'));
    await monitor.subscribeAsync('pingan/#', { qos: 1 });

    const dev = await deviceClient(fx.gateway.localPort, 'panic-east-gate', 'panic-secret-1');
    await dev.publishAsync('dev/panic-east-gate/event', JSON.stringify({ type: 'panic.pressed' }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 800));
    expect(fx.gateway.inspect().uplinkState).not.toBe('connected');
    expect(got).not.toContain('panic.pressed');
    expect(fx.logs.lines.some((l) => l.msg === 'uplink error' && /Not authorized|Bad user/i.test(String(l.err)))).toBe(true);

    writeFileSync(secretFile, 'right-password\n'); // read again at every connect
    const until = Date.now() + 10_000;
    while (!got.includes('panic.pressed') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(got).toContain('panic.pressed');
    expect(fx.gateway.inspect().uplinkState).toBe('connected');
    await Promise.all([dev.endAsync(), monitor.endAsync()]);
  });

  it('refuses a broker whose certificate is not signed by the configured CA', async () => {
    const other = makeCerts();
    const fx2 = await startFixture({ uplinkUrl: `mqtts://127.0.0.1:${broker.port}`, gatewayId: '370283104-tls-02', uplink: { tls: { ca: other.ca }, passwordFile: secretFile } });
    await new Promise((r) => setTimeout(r, 800));
    expect(fx2.gateway.inspect().uplinkState).not.toBe('connected');
    expect(fx2.logs.lines.some((l) => l.msg === 'uplink error' && /certificate|self.signed|unable to verify/i.test(String(l.err)))).toBe(true);
    await fx2.gateway.stop();
  });
});

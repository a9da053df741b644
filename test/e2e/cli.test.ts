/** The `vgw` CLI as an installer and an operator use it, run as real processes. */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vgw } from '../support/vgw-cli.js';
import { verifyPassword } from '../../device-drivers/mqtt/passwords.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { stringify } from 'yaml';
import { buildConfig, startFixture, type Fixture } from '../support/gateway-fixture.js';
import { freePort } from '../support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'vgw-cli-'));


describe('vgw CLI', () => {
  it('passwd prints a salted hash that verifies, from an argument or stdin', async () => {
    const a = await vgw(['passwd', 'device-password-1']);
    const b = await vgw(['passwd'], { input: 'device-password-1\n' });
    expect(a.code).toBe(0);
    expect(a.stdout.trim()).not.toBe(b.stdout.trim()); // salted
    expect(await verifyPassword('device-password-1', a.stdout.trim())).toBe(true);
    expect(await verifyPassword('device-password-1', b.stdout.trim())).toBe(true);
    expect((await vgw(['passwd', 'short'])).code).not.toBe(0);
  });

  it('keygen writes a private key only its owner can read and prints the config entry', async () => {
    const out = join(dir, 'ops.key');
    const r = await vgw(['keygen', '--kid', 'ops-zhang', '--out', out, '--roles', 'broadcast,door']);
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(r.stdout).toMatch(/kid: ops-zhang\n\s+publicKey: [A-Za-z0-9+/=]{44}\n\s+roles: \[broadcast, door\]/);
    expect((await vgw(['keygen', '--kid', 'x', '--out', out])).code).not.toBe(0); // never overwrites a key
  });

  it('check and run refuse a bad config, naming the key and the fix', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'gateway:\n  id: Bad Id\n  township: "370283104"\n  dataDir: /tmp/x\nuplink:\n  url: mqtts://t:8883\n  keepalive: 30\n');
    for (const cmd of ['check', 'run']) {
      const r = await vgw([cmd, '--config', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/gateway\.id is "Bad Id": lowercase letters/);
      expect(r.stderr).toMatch(/uplink: unknown key "keepalive"/);
      expect(r.stderr).toContain('VGW_CONFIG_INVALID');
    }
  });

  it('check connects to the township like the gateway would, and names the fix when it cannot', async () => {
    const township = new EmbeddedBroker();
    await township.start();
    try {
      const write = async (name: string, url: string) => {
        const file = join(dir, name);
        writeFileSync(file, stringify(await buildConfig({ uplinkUrl: url, dataDir: join(dir, 'data'), gatewayId: '370283104-check-01', devices: [], uplink: { protocolVersion: 4 } })));
        return file;
      };
      const ok = await vgw(['check', '--config', await write('ok.yaml', township.url)]);
      expect(ok.stdout).toMatch(/config OK/);
      expect(ok.stdout).toMatch(/township broker OK/);
      expect(ok.code).toBe(0);
      const refused = await vgw(['check', '--config', await write('refused.yaml', `mqtt://127.0.0.1:${await freePort()}`)]);
      expect(refused.stdout).toMatch(/PROBLEM uplink: cannot connect/);
      expect(refused.stdout).toMatch(/fix: nothing listens at that address/);
      expect(refused.code).toBe(1);
      const offline = await vgw(['check', '--offline', '--config', join(dir, 'refused.yaml')]);
      expect(offline.code).toBe(0);
    } finally {
      await township.stop();
    }
  });

  describe('send ping', () => {
    const township = new EmbeddedBroker();
    let fx: Fixture;
    const key = join(dir, 'send.key');
    let publicKey = '';

    beforeAll(async () => {
      await township.start();
      publicKey = /publicKey: (\S+)/.exec((await vgw(['keygen', '--kid', 'ops-send', '--out', key])).stdout)![1]!;
      fx = await startFixture({ uplinkUrl: township.url, gatewayId: '370283104-send-01', uplink: { protocolVersion: 4 }, override: { commands: { operators: [{ kid: 'ops-send', publicKey, roles: ['broadcast'] }] } } });
    });
    afterAll(async () => {
      await fx?.gateway.stop();
      await township.stop();
    });

    const base = () => ['send', 'ping', '--broker', township.url, '--township', '370283104', '--key', key, '--kid', 'ops-send', '--protocol', '4', '--timeout', '3'];

    it('prints the gateway reply and exits 0', async () => {
      const r = await vgw([...base(), '--target', '370283104-send-01']);
      expect(r.stdout).toMatch(/370283104-send-01\s+done/);
      expect(r.code).toBe(0);
    });

    it('names the gateways that did not answer a township-wide command', async () => {
      const r = await vgw([...base(), '--target', 'all', '--expect', '370283104-send-01,370283104-gone-09']);
      expect(r.stdout).toMatch(/370283104-send-01\s+done/);
      expect(r.stdout).toMatch(/no reply from: 370283104-gone-09/);
      expect(r.code).toBe(1);
    });
  });
});

describe('demo', () => {
  it('runs from nothing and shows buffering, critical-first drain and a command reply', async () => {
    const r = await vgw(['demo', '--duration', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('status: ONLINE');
    expect(r.stdout).toMatch(/township link cut/);
    expect(r.stdout).toMatch(/gateway backlog: [1-9]\d* messages waiting/);
    const afterOutage = r.stdout.slice(r.stdout.indexOf('township link back'));
    const firstEvent = afterOutage.split('\n').find((l) => /seq=\d+/.test(l)) ?? '';
    expect(firstEvent).toMatch(/CRITICAL .*panic\.pressed/);
    expect(r.stdout).toMatch(/operator: 370283104-demo-01\s+done/);
    expect(r.stdout).toContain('demo finished');
  }, 60_000);
});

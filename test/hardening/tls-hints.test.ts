/**
 * Issue 8, finding 21: a failed township connection names its real cause and fix, in `vgw check` and in
 * the daemon's `uplink error` log alike (cloud-bridge/connect-hints.ts), against a real Mosquitto with
 * plain and TLS listeners: hostname mismatch, unknown or wrong CA, expired certificate, mqtt:// to the
 * TLS port and mqtts:// to the plain port.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeCerts } from '../support/certs.js';
import { buildConfig, startFixture } from '../support/gateway-fixture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';
import { vgw } from '../support/vgw-cli.js';

const ok = requireTools('openssl', 'mosquitto');
const dir = mkdtempSync(join(tmpdir(), 'vgw-tls-hints-'));

describe.skipIf(!ok)('connection hints (issue 8, finding 21)', () => {
  const good = ok ? makeCerts() : { dir: '', ca: '', cert: '', key: '' };
  const named = ok ? makeCerts({ names: 'DNS:township.example' }) : good;
  const expired = ok ? makeCerts({ days: -1 }) : good;
  const other = ok ? makeCerts() : good;
  const ports = { good: 0, named: 0, expired: 0 };
  let broker: Mosquitto;

  beforeAll(async () => {
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
    const listener = (port: number, c: typeof good) => [`listener ${port} 127.0.0.1`, `cafile ${c.ca}`, `certfile ${c.cert}`, `keyfile ${c.key}`];
    // The plain listener is the last one (the Mosquitto helper's own); the TLS ones come before it.
    broker = new Mosquitto({ extraLines: [...listener(ports.good, good), ...listener(ports.named, named), ...listener(ports.expired, expired)] });
    await broker.start();
  });
  afterAll(async () => broker?.stop());

  const check = async (name: string, url: string, ca?: string) => {
    const file = join(dir, `${name}.yaml`);
    const config = await buildConfig({ uplinkUrl: url, dataDir: join(dir, 'data'), gatewayId: '370283104-hint-01', devices: [], uplink: { protocolVersion: 4, ...(ca ? { tls: { ca } } : {}) } });
    writeFileSync(file, stringify(config));
    return vgw(['check', '--config', file]);
  };

  it('vgw check names the cause and the fix of each TLS mistake', async () => {
    const cases: [string, () => string, string | undefined, string][] = [
      ['altname', () => `mqtts://127.0.0.1:${ports.named}`, named.ca, 'fix: the certificate is for township.example, not 127.0.0.1: use the name in the certificate in uplink.url'],
      ['no-ca', () => `mqtts://127.0.0.1:${ports.good}`, undefined, "fix: the township's certificate is not signed by a CA this box trusts: set uplink.tls.ca to the township CA file"],
      ['wrong-ca', () => `mqtts://127.0.0.1:${ports.good}`, other.ca, `fix: the township's certificate is not signed by the CA in uplink.tls.ca ("${other.ca}"): get the township's own CA file and set uplink.tls.ca to it`],
      ['expired', () => `mqtts://127.0.0.1:${ports.expired}`, expired.ca, "fix: the township's certificate expired on "],
      ['plain-to-tls', () => `mqtt://127.0.0.1:${ports.good}`, undefined, `fix: the port speaks TLS: use mqtts://127.0.0.1:${ports.good} in uplink.url (and uplink.tls.ca)`],
      ['tls-to-plain', () => `mqtts://127.0.0.1:${broker.port}`, good.ca, 'fix: the port does not speak TLS: use mqtt:// or the TLS port (usually 8883)'],
    ];
    const results = await Promise.all(cases.map(([name, url, ca]) => check(name, url(), ca)));
    cases.forEach(([name, , , fix], i) => {
      const r = results[i] as Awaited<ReturnType<typeof check>>;
      expect(r.stdout, name).toContain('PROBLEM uplink: cannot connect');
      expect(r.stdout, name).toContain(fix);
      expect(r.stdout, name).not.toMatch(/see the error above|read ECONNRESET\n {2}fix: see/);
      expect(r.code, name).toBe(1);
    });
    // The right name, the right CA: connected.
    const right = await check('right', `mqtts://localhost:${ports.good}`, good.ca);
    expect(right.stdout).toContain('township broker OK');
  }, 60_000);

  it("the daemon's uplink error log carries the same hints", async () => {
    const wait = async (logs: { lines: Record<string, unknown>[] }, what: RegExp) => {
      const until = Date.now() + 20_000;
      while (!logs.lines.some((l) => l.msg === 'uplink error' && what.test(String(l.hint)))) {
        if (Date.now() > until) throw new Error(`no "uplink error" log with a hint matching ${what}; got ${JSON.stringify(logs.lines.filter((l) => l.msg === 'uplink error'))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const plain = await startFixture({ uplinkUrl: `mqtt://127.0.0.1:${ports.good}`, gatewayId: '370283104-hint-02', devices: [] });
    const mismatch = await startFixture({ uplinkUrl: `mqtts://127.0.0.1:${ports.named}`, gatewayId: '370283104-hint-03', devices: [], uplink: { tls: { ca: named.ca } } });
    try {
      await wait(plain.logs, /^the port speaks TLS: use mqtts:\/\//);
      await wait(mismatch.logs, /^the certificate is for township\.example, not 127\.0\.0\.1/);
    } finally {
      await plain.gateway.stop();
      await mismatch.gateway.stop();
    }
  }, 60_000);
});

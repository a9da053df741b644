/**
 * README, CLI and gateway in step (issue 8, finding 22): every command a gateway registers has a
 * `vgw send` form, and every visible `vgw send` form is a command the gateway registers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOperatorKey } from '../../gateway/kernel/signing.js';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { startFixture, TOWNSHIP, type Fixture } from '../support/gateway-fixture.js';
import { vgw } from '../support/vgw-cli.js';

/** The gateway command of each subcommand in `vgw send --help`: its alias (`arm|zone.arm`) or its name. */
function sendForms(help: string): string[] {
  const commands = help.slice(help.indexOf('Commands:'));
  return [...commands.matchAll(/^ {2}(\S+) \[options\]/gm)].map((m) => (m[1] as string).split('|').at(-1) as string);
}

describe('vgw send forms', () => {
  const township = new EmbeddedBroker();
  const dir = mkdtempSync(join(tmpdir(), 'vgw-forms-'));
  const keyFile = join(dir, 'ops.key');
  let fx: Fixture;

  beforeAll(async () => {
    await township.start();
    const key = generateOperatorKey();
    writeFileSync(keyFile, key.privatePem, { mode: 0o600 });
    fx = await startFixture({ uplinkUrl: township.url, gatewayId: '370283104-forms-01', uplink: { protocolVersion: 4 }, override: { commands: { operators: [{ kid: 'ops', publicKey: key.publicRaw, roles: ['admin'] }] } } });
  });
  afterAll(async () => {
    await fx?.gateway.stop();
    await township.stop();
  });

  it('match the names the gateway registers, both ways', async () => {
    const registered = fx.gateway.inspect().commands.names.sort();
    expect(registered).toContain('broadcast.cancel');
    const help = await vgw(['send', '--help']);
    expect(help.code).toBe(0);
    expect(sendForms(help.stdout).sort()).toEqual(registered);
  });

  it('broadcast.cancel reaches the gateway and prints its answer', async () => {
    const id = '019a4f5e-7c2b-7d30-9f1e-2b8c4d6e8a10';
    const r = await vgw(['send', 'broadcast.cancel', '--broadcast-id', id, '--broker', township.url, '--protocol', '4', '--township', TOWNSHIP, '--target', fx.gatewayId, '--key', keyFile, '--kid', 'ops', '--timeout', '10']);
    expect(r.stdout).toMatch(/^sent broadcast\.cancel \S+ to 370283104-forms-01/m);
    expect(r.stdout).toMatch(/^370283104-forms-01 {2}(done|failed|rejected)/m);
    const bad = await vgw(['send', 'broadcast.cancel', '--broadcast-id', 'not-an-id', '--broker', township.url, '--township', TOWNSHIP, '--target', 'all', '--key', keyFile, '--kid', 'ops']);
    expect(bad.stderr).toMatch(/--broadcast-id <id>' argument 'not-an-id' is invalid\. use the command id/);
    expect(bad.code).not.toBe(0);
  });
});

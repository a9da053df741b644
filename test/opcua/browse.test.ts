/**
 * Issue 15: `vgw opcua browse` as the installer runs it (a real CLI process, the README's own command
 * lines) against a loopback OPC UA server: the nodes with NodeIds, browse paths and values; `--watch`
 * shows a change; a wrong password,
 * a closed port and a bad `--security` are one line with the fix and a non-zero exit.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { ROOT, STACK_LINE, vgw } from '../support/vgw-cli.js';
import { Plc } from './plc.js';

describe('vgw opcua browse', { timeout: 60_000 }, () => {
  const plc = new Plc({ users: { operator: 'pump-password' }, anonymous: true });
  const dir = mkdtempSync(join(tmpdir(), 'vgw-browse-'));
  const right = join(dir, 'right.password');
  const wrong = join(dir, 'wrong.password');

  beforeAll(async () => {
    writeFileSync(right, 'pump-password\n');
    writeFileSync(wrong, 'guess\n');
    chmodSync(right, 0o600);
    await plc.start();
  });
  afterAll(() => plc.stop());

  /** The README's `vgw opcua browse` lines, with its example server and password file swapped for the test's. */
  const readmeCommands = () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const lines = [...readme.matchAll(/^npm run vgw -- (opcua browse .+)$/gm)].map((m) => m[1] as string);
    expect(lines).toHaveLength(2);
    return lines.map((l) => l.replaceAll('opc.tcp://192.168.1.50:4840', plc.url).replaceAll('/etc/vgw/pump.password', right).split(' '));
  };

  it("the README's browse lists the nodes under Objects with NodeIds, browse paths and live values", async () => {
    plc.set('Level', 2.75);
    const r = await vgw(readmeCommands()[0]!);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^connecting to opc\.tcp:\/\/127\.0\.0\.1:\d+ \(security SignAndEncrypt\/Basic256Sha256, user operator\)$/m);
    expect(r.stdout).toMatch(/^\/1:Station {2}ns=1;i=\d+ {2}Object$/m);
    expect(r.stdout).toMatch(/^ {2}\/1:Station\/1:Level {2}ns=1;s=Level {2}Variable = 2\.75 \(Good\)$/m);
    expect(r.stdout).toMatch(/^ {2}\/1:Station\/1:Fire {2}ns=1;s=Fire {2}Variable = false \(Good\)$/m);
    expect(r.stdout).not.toContain('ns=0;i=2253'); // the Server object's diagnostics are left out
  });

  it("the README's --watch shows the values changing", async () => {
    // The plant keeps moving while the installer looks: the level alternates, so --watch sees changes.
    let flip = false;
    const plant = setInterval(() => plc.set('Level', (flip = !flip) ? 3.25 : 2.75), 400);
    const r = await vgw(readmeCommands()[1]!).finally(() => clearInterval(plant));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/watching \d+ variables for 10 s/);
    const changes = r.stdout.split('\n').filter((l) => / {2}ns=1;s=Level = /.test(l));
    expect(new Set(changes.map((l) => l.split(' = ')[1])).size, changes.join('\n')).toBe(2);
  });

  it('says what to fix for a wrong password, a closed port, a bad --security and a missing --password-file', async () => {
    const [bad, closed, flag, nofile] = await Promise.all([
      vgw(['opcua', 'browse', plc.url, '--user', 'operator', '--password-file', wrong]),
      vgw(['opcua', 'browse', `opc.tcp://127.0.0.1:${await freePort()}`]),
      vgw(['opcua', 'browse', plc.url, '--security', 'Encrypt']),
      vgw(['opcua', 'browse', plc.url, '--user', 'operator']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^vgw: opc\.tcp:\/\/127\.0\.0\.1:\d+: the server refused the login of user "operator" .*check --user and the password in --password-file$/m);
    expect(bad.stderr).not.toContain('guess');
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/connection refused; check the URL \(host and port\) and that the OPC UA server is running/);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--security "Encrypt": .*use None, Sign\/Basic256Sha256 or SignAndEncrypt\/Basic256Sha256/);
    expect(nofile.code).toBe(2);
    expect(nofile.stderr).toMatch(/--user operator needs --password-file/);
    for (const r of [bad, closed, flag, nofile]) expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

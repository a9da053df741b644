/**
 * The README's installer walk-through, run command by command as written. Only what a test bench must
 * change is changed: the paths (/etc/vgw, /var/lib/vgw → a temp dir), the township's address (a real
 * Mosquitto with TLS on loopback, its CA as /etc/vgw/township-ca.pem), the service user (root here),
 * the clock check (this machine runs no NTP client), the local port (0: other tests run here) and the
 * GPIO lines (a fake sysfs tree, VGW_SYSFS_GPIO, whose panic input the "installer" presses). Between
 * commands the township's administrator loads the township-acl output, as step 3 says.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCerts } from '../support/certs.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';
import { ROOT, vgw, type CliResult } from '../support/vgw-cli.js';
import { editConfig, markClockSynced, wiredLines } from './support.js';

/** The commands of the README's walk-through block for `lang`. */
export function walkthroughCommands(lang: 'en' | 'zh'): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = new RegExp(`<!-- walkthrough-${lang} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n<!-- /walkthrough-${lang} -->`).exec(readme)?.[1];
  if (!block) throw new Error(`README.md has no walkthrough-${lang} block`);
  return block.trim().split('\n');
}

/** Runs the walk-through of `lang`; returns each command with its result. */
export async function runWalkthrough(lang: 'en' | 'zh'): Promise<{ dir: string; results: { command: string; result: CliResult }[]; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `vgw-walk-${lang}-`));
  const etc = join(dir, 'etc');
  const data = join(dir, 'data');
  mkdirSync(etc);
  const certs = makeCerts();
  copyFileSync(certs.ca, join(etc, 'township-ca.pem'));
  const files = { passwords: join(dir, 'passwords'), acl: join(dir, 'acl') };
  writeFileSync(files.passwords, '');
  writeFileSync(files.acl, '');
  const tlsPort = await freePort();
  const township = new Mosquitto({ allowAnonymous: false, extraLines: [`password_file ${files.passwords}`, `acl_file ${files.acl}`, `listener ${tlsPort} 127.0.0.1`, `cafile ${certs.ca}`, `certfile ${certs.cert}`, `keyfile ${certs.key}`] });
  await township.start();
  const gpio = wiredLines([17], [27]);
  const bench = (text: string) => text.replaceAll('/etc/vgw', etc).replaceAll('/var/lib/vgw', data).replace('township.example:8883', `127.0.0.1:${tlsPort}`).replace('--user vgw', '--user root');
  const config = join(etc, 'vgw.yaml');
  const results: { command: string; result: CliResult }[] = [];
  for (const command of walkthroughCommands(lang)) {
    const words = bench(command).split(' ');
    if (words[0] === 'chromium') {
      execFileSync('chromium', [...words.slice(1, -1), '--disable-gpu', words.at(-1)!], { stdio: 'ignore', timeout: 60_000 });
      results.push({ command, result: { code: 0, stdout: '', stderr: '' } });
      continue;
    }
    if (words.slice(0, 3).join(' ') !== 'npm run vgw' || words[3] !== '--') throw new Error(`not a vgw command: ${command}`);
    const args = words.slice(4);
    const pressing = args[0] === 'test' ? gpio.press(17) : null;
    const result = await vgw(args, { input: args[0] === 'test' ? 'y\ny\n' : '', env: { ...process.env, VGW_SYSFS_GPIO: gpio.root } }).finally(() => pressing?.stop());
    results.push({ command, result });
    if (args[0] === 'init' && result.code === 0) {
      markClockSynced(config);
      editConfig(config, (doc) => doc.setIn(['localBroker', 'port'], 0));
    }
    if (args[0] === 'township-acl') {
      // The township's administrator pastes the lines into the broker's files and reloads it.
      const lines = result.stdout.split('\n');
      writeFileSync(files.passwords, `${lines.filter((l) => l.includes(':$7$')).join('\n')}\n`);
      writeFileSync(files.acl, `${lines.filter((l) => l.startsWith('pattern ')).join('\n')}\n`);
      await township.stop();
      await township.start();
    }
  }
  return { dir, results, stop: () => township.stop() };
}

/** What each step of the walk-through must show, in either language. */
function checkWalkthrough(lang: 'en' | 'zh', dir: string, results: { command: string; result: CliResult }[]): void {
  const expectFn = expect;
  const step = (sub: string) => results.find((r) => r.command.includes(`vgw -- ${sub}`))?.result as CliResult;
  const zh = lang === 'zh';
  for (const { command, result } of results) expectFn(result.code, `${command}\n${result.stdout}${result.stderr}`).toBe(0);
  expectFn(step('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  expectFn(step('township-acl').stdout).toMatch(/^370283104-xiejiayu-01:\$7\$101\$/m);
  expectFn(step('check').stdout).toContain(zh ? '乡镇平台连接正常' : 'township broker OK');
  // The test township's certificate is valid for two days: a warning, not a failure.
  expectFn(step('check').stdout).toMatch(zh ? /注意 uplink\.tls\.server：.* 的乡镇平台证书 将于 .* 到期/ : /WARN uplink\.tls\.server: the township's certificate at mqtts:\/\/127\.0\.0\.1:\d+ expires on .*, in [01] days/);
  expectFn(step('check').stdout).toMatch(zh ? /uplink\.status 正常：已在 .* 发布保留状态并读回/ : /uplink\.status OK: retained status published and read back/);
  const lan = step('device add mqtt').stdout;
  const password = (zh ? /密码：\s+(\S+)/ : /password: (\S+)/).exec(lan)?.[1] ?? 'none';
  expectFn(readFileSync(join(dir, 'etc', 'vgw.yaml'), 'utf8')).not.toContain(password);
  expectFn(step('device list').stdout).toContain('siren-1  relay  pin 27');
  expectFn(step('test').stdout).toMatch(zh ? /通过 panic-east-gate：电平变化/ : /PASS panic-east-gate: changed/);
  expectFn(step('test').stdout).toContain(zh ? '通过 siren-1：已吸合 1000 毫秒，安装人员已确认' : 'PASS siren-1: pulsed 1000 ms, confirmed by the installer');
  const report = JSON.parse(readFileSync(join(dir, 'data', 'report.json'), 'utf8')) as { selfTests: { device: string; result: string }[] };
  expectFn(report.selfTests.map((r) => `${r.device} ${r.result}`).join(', ')).toBe('panic-east-gate pass, siren-1 pass, door-reader-east skipped');
  expectFn(readFileSync(join(dir, 'data', 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
}

/** The walk-through of `lang` as a test file's suite (one file per language keeps each under 30 s). */
export function describeWalkthrough(lang: 'en' | 'zh'): void {
  const ok = requireTools('mosquitto', 'openssl', 'chromium');
  describe.skipIf(!ok)(`README walk-through (${lang})`, () => {
    let stop = async () => {};
    afterAll(async () => stop());

    it('goes from init to a printed report, every step passing', async () => {
      const run = await runWalkthrough(lang);
      stop = run.stop;
      checkWalkthrough(lang, run.dir, run.results);
    });
  });
}

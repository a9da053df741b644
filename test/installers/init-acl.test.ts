/**
 * Issue 12, items 1, 3 and 4: `vgw init` writes a config that `vgw check` accepts; `vgw township-acl`'s
 * lines, loaded into a real Mosquitto (password_file + acl_file), let the gateway in and keep it out of
 * another gateway's topics; then `vgw check` passes against that broker, publishing and reading back
 * the retained status.
 */
import { execFileSync, spawn } from 'node:child_process';
import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateUplink } from '../support/contract.js';
import { Mosquitto } from '../support/mosquitto.js';
import { requireTools } from '../support/tools.js';
import { ROOT, vgw } from '../support/vgw-cli.js';
import { initBox, markClockSynced } from './support.js';

const ok = requireTools('mosquitto');
const pty = requireTools('script');
const dir = mkdtempSync(join(tmpdir(), 'vgw-init-'));

describe('vgw init', () => {
  it('writes a commented config, the data dir 0700 and a password file 0600, and refuses to overwrite', async () => {
    const box = join(dir, 'flags');
    const { config, result } = await initBox(box, { broker: 'mqtts://township.example:8883', lang: 'zh' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('配置已写入');
    const text = readFileSync(config, 'utf8');
    expect(text).toContain('id: "370283104-xiejiayu-01"');
    expect(text).toMatch(/# 网关编号/); // comments in the chosen language
    expect(statSync(join(box, 'data')).mode & 0o777).toBe(0o700);
    const pw = join(box, 'etc', 'uplink.password');
    expect(statSync(pw).mode & 0o777).toBe(0o600);
    expect(readFileSync(pw, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(text).not.toContain(readFileSync(pw, 'utf8').trim());
    const again = await initBox(box, { broker: 'mqtts://township.example:8883' });
    expect(again.result.code).toBe(2);
    expect(again.result.stderr).toMatch(/exists already and init never overwrites it; add --force/);
    // --force replaces it but keeps the password the township knows; --user gives the data dir and the password file to the service user.
    const password = readFileSync(pw, 'utf8');
    expect((await initBox(box, { broker: 'mqtts://township.example:8883', extra: ['--force', '--user', 'nobody'] })).result.code).toBe(0);
    expect(readFileSync(pw, 'utf8')).toBe(password);
    const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString());
    expect([statSync(join(box, 'data')).uid, statSync(pw).uid, statSync(pw).mode & 0o777]).toEqual([nobody, nobody, 0o600]);
    expect((await initBox(join(dir, 'nouser'), { broker: 'mqtt://127.0.0.1:1883', extra: ['--user', 'no-such-user-vgw'] })).result.stderr).toContain('--user no-such-user-vgw: no such user on this box');
  });

  it('asks on stdin, proposing the gateway id from the village pinyin', async () => {
    const config = join(dir, 'asked', 'vgw.yaml');
    // township, village, number, gateway id (proposal taken), broker, username, password file, ca, cert, tz, data dir, password
    const answers = ['370283104', '东王庄', '2', '', 'mqtt://127.0.0.1:1883', '', '', '', '', '', join(dir, 'asked', 'data'), 'typed-township-password'].join('\n');
    const r = await vgw(['init', '--config', config, '--lang', 'en'], { input: `${answers}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('gateway id [370283104-dongwangzhuang-02]');
    expect(readFileSync(config, 'utf8')).toContain('id: "370283104-dongwangzhuang-02"');
    expect(readFileSync(join(dir, 'asked', 'uplink.password'), 'utf8').trim()).toBe('typed-township-password');
  });

  it.skipIf(!pty)('asks on a terminal (a pty through script) and never shows the typed password', async () => {
    const config = join(dir, 'tty', 'vgw.yaml');
    const cmd = `${process.execPath} --import tsx ${join(ROOT, 'provisioning/cli.ts')} init --config ${config} --lang zh`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    // Each answer is typed once its question is on the screen, as a person would.
    const answer = async (question: string, text: string) => {
      const until = Date.now() + 20_000;
      while (!screen.includes(question)) {
        if (Date.now() > until) throw new Error(`no prompt "${question}" on the terminal:\n${screen}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      screen = screen.slice(screen.indexOf(question) + question.length);
      child.stdin.write(`${text}\r`);
    };
    await answer('乡镇代码', '370283104');
    await answer('村名', '谢家峪');
    await answer('本机在村里的编号', '');
    await answer('网关编号 [370283104-xiejiayu-01]', '');
    await answer('乡镇平台地址', 'mqtt://127.0.0.1:1883');
    await answer('乡镇平台用户名', '');
    await answer('乡镇平台密码文件', '');
    await answer('CA 证书文件', '');
    await answer('客户端证书文件', '');
    await answer('时区', '');
    await answer('数据目录', join(dir, 'tty', 'data'));
    await answer('直接回车则自动生成强密码）: ', 'typed-on-a-tty-9');
    expect(await exited).toBe(0);
    expect(screen).toContain('乡镇平台密码已保存到');
    expect(screen, 'the password is not echoed').not.toContain('typed-on-a-tty-9');
    expect(readFileSync(join(dir, 'tty', 'uplink.password'), 'utf8').trim()).toBe('typed-on-a-tty-9');
  });

  it('names the flag and the fix for a bad or missing answer, in both languages', async () => {
    const bad = await vgw(['init', '--yes', '--config', join(dir, 'x', 'vgw.yaml'), '--township', 'Bad Code', '--lang', 'en']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--township "Bad Code" is not a township code; use its digits, e.g. --township 370283104');
    const missing = await vgw(['init', '--yes', '--config', join(dir, 'x', 'vgw.yaml'), '--township', '370283104', '--village', '龘', '--lang', 'zh']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('缺少 --gateway-id');
    expect(existsSync(join(dir, 'x', 'vgw.yaml'))).toBe(false);
  });
});

describe.skipIf(!ok)('vgw township-acl into a real Mosquitto, then vgw check', () => {
  const files = { passwords: join(dir, 'passwords'), acl: join(dir, 'acl') };
  let broker: Mosquitto;
  let gw1 = '';
  let gw2 = '';

  beforeAll(async () => {
    writeFileSync(files.passwords, '');
    writeFileSync(files.acl, '');
    broker = new Mosquitto({ allowAnonymous: false, extraLines: [`password_file ${files.passwords}`, `acl_file ${files.acl}`] });
    await broker.start();
    const url = broker.url;
    gw1 = (await initBox(join(dir, 'gw1'), { broker: url })).config;
    gw2 = (await initBox(join(dir, 'gw2'), { broker: url, gatewayId: '370283104-xiejiayu-02' })).config;
    const lines: string[] = [];
    for (const c of [gw1, gw2]) {
      const r = await vgw(['township-acl', '--config', c]);
      expect(r.code, r.stderr).toBe(0);
      lines.push(...r.stdout.split('\n'));
    }
    expect(lines.join('\n')).not.toContain(readFileSync(join(dir, 'gw1', 'etc', 'uplink.password'), 'utf8').trim());
    writeFileSync(files.passwords, `${lines.filter((l) => /^370283104-xiejiayu-0\d:\$7\$101\$/.test(l)).join('\n')}\n`);
    writeFileSync(files.acl, `${[...new Set(lines.filter((l) => l.startsWith('pattern ')))].join('\n')}\n`);
    // Mosquitto reads both files at start.
    await broker.stop();
    await broker.start();
  });
  afterAll(async () => broker?.stop());

  const login = (config: string, id: string): Promise<MqttClient> =>
    connectAsync(broker.url, { username: id, password: readFileSync(join(config, '..', 'uplink.password'), 'utf8').trim(), clientId: `${id}-t`, reconnectPeriod: 0, protocolVersion: 5 });

  it('lets each gateway in with its password and keeps it out of the other gateway\'s topics', async () => {
    const a = await login(gw1, '370283104-xiejiayu-01');
    const b = await login(gw2, '370283104-xiejiayu-02');
    const seenByA: string[] = [];
    a.on('message', (t) => seenByA.push(t));
    await a.subscribeAsync(['pingan/v1/370283104/370283104-xiejiayu-02/#', 'pingan/v1/370283104/370283104-xiejiayu-01/#', 'pingan/v1/370283104/all/cmd/#'], { qos: 1 });
    await b.publishAsync('pingan/v1/370283104/370283104-xiejiayu-02/events/alarm', 'b-own', { qos: 1 });
    // MQTT 5: Mosquitto answers a publish the ACL denies with PUBACK reason 0x87 Not authorized.
    await expect(b.publishAsync('pingan/v1/370283104/370283104-xiejiayu-01/cmd/ping', 'b-into-a', { qos: 1 })).rejects.toThrow(/Not authorized/);
    await a.publishAsync('pingan/v1/370283104/370283104-xiejiayu-01/events/alarm', 'a-own', { qos: 1 });
    const deadline = Date.now() + 10_000;
    while (!seenByA.includes('pingan/v1/370283104/370283104-xiejiayu-01/events/alarm') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seenByA, 'gateway 1 received its own event').toContain('pingan/v1/370283104/370283104-xiejiayu-01/events/alarm');
    expect(seenByA, "gateway 1 read nothing of gateway 2's tree, and gateway 2 could not write into gateway 1's").toEqual(['pingan/v1/370283104/370283104-xiejiayu-01/events/alarm']);
    await a.endAsync();
    await b.endAsync();
    await expect(connectAsync(broker.url, { username: '370283104-xiejiayu-01', password: 'wrong-password', reconnectPeriod: 0 })).rejects.toThrow(/Not authorized|Bad user/);
  });

  it('--format emqx-json gives the EMQX user (PBKDF2-SHA512 of the password) and its authorization rules', async () => {
    const r = await vgw(['township-acl', '--config', gw1, '--format', 'emqx-json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { authenticator: { password_hash_algorithm: { iterations: number } }; import_users: { user_id: string; password_hash: string; salt: string }[]; authorization_rules_users: { username: string; rules: { topic: string; action: string }[] }[] };
    const user = doc.import_users[0]!;
    const password = readFileSync(join(dir, 'gw1', 'etc', 'uplink.password'), 'utf8').trim();
    expect(user.user_id).toBe('370283104-xiejiayu-01');
    expect(user.password_hash).toBe(pbkdf2Sync(password, user.salt, doc.authenticator.password_hash_algorithm.iterations, 64, 'sha512').toString('hex'));
    expect(r.stdout).not.toContain(password);
    expect(doc.authorization_rules_users[0]!.rules).toEqual([
      { topic: 'pingan/v1/370283104/370283104-xiejiayu-01/#', permission: 'allow', action: 'all' },
      { topic: 'pingan/v1/370283104/all/cmd/#', permission: 'allow', action: 'subscribe' },
    ]);
  });

  it('vgw check passes against it, with the retained status read back', async () => {
    markClockSynced(gw1);
    const r = await vgw(['check', '--config', gw1]);
    expect(r.stdout).toContain('config OK');
    expect(r.stdout).toContain('township broker OK: connected to');
    expect(r.stdout).toMatch(/uplink\.status OK: retained status published and read back on pingan\/v1\/370283104\/370283104-xiejiayu-01\/status/);
    expect(r.stdout).toMatch(/WARN commands\.operators: no operator keys/);
    expect(r.stderr).toContain('connecting to');
    expect(r.code, r.stdout).toBe(0);
    // What the check left retained is the contract's offline status, valid against its schema.
    const reader = await login(gw1, '370283104-xiejiayu-01');
    const retained = new Promise<[string, Buffer]>((resolve) => reader.once('message', (topic, payload) => resolve([topic, payload])));
    await reader.subscribeAsync('pingan/v1/370283104/370283104-xiejiayu-01/status', { qos: 1 });
    const [topic, payload] = await retained;
    await reader.endAsync();
    expect(validateUplink(topic, payload)).toEqual({ ok: true, kind: 'status' });
    expect(JSON.parse(payload.toString())).toMatchObject({ online: false, reason: 'shutdown' });
    const json = await vgw(['check', '--config', gw1, '--json']);
    const doc = JSON.parse(json.stdout) as { ok: boolean; checks: { what: string; status: string }[] };
    expect(doc.ok).toBe(true);
    expect(doc.checks.map((c) => c.what)).toEqual(expect.arrayContaining(['config', 'gateway.dataDir', 'disk', 'township broker', 'uplink.status']));
  });
});

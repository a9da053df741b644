/**
 * Issue 12, item 4: each `vgw check` failure produced for real — the local port taken, a wrong township
 * password, an unreachable broker, an expired township certificate (made with openssl), a data dir that
 * cannot be created — names the fix, in English and in Chinese; a CA about to expire is a warning.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts } from '../support/certs.js';
import { Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { requireTools } from '../support/tools.js';
import { vgw } from '../support/vgw-cli.js';
import { editConfig, initBox, markClockSynced } from './support.js';

const ok = requireTools('mosquitto', 'openssl');
const dir = mkdtempSync(join(tmpdir(), 'vgw-check-fail-'));

describe.skipIf(!ok)('vgw check failures name the fix, in both languages', () => {
  const passwords = join(dir, 'passwords');
  const expired = ok ? makeCerts({ days: -1 }) : null;
  let broker: Mosquitto;
  let tlsPort = 0;
  let taken: Server;
  let takenPort = 0;
  const configs: Record<string, string> = {};

  beforeAll(async () => {
    writeFileSync(passwords, '');
    tlsPort = await freePort();
    broker = new Mosquitto({ allowAnonymous: false, extraLines: [`password_file ${passwords}`, `listener ${tlsPort} 127.0.0.1`, `cafile ${expired!.ca}`, `certfile ${expired!.cert}`, `keyfile ${expired!.key}`] });
    await broker.start();
    takenPort = await freePort();
    taken = createServer();
    await new Promise<void>((r) => taken.listen(takenPort, '127.0.0.1', r));
    const box = async (name: string, url: string, extra: string[] = []) => {
      const { config, result } = await initBox(join(dir, name), { broker: url, extra });
      expect(result.code, result.stderr).toBe(0);
      markClockSynced(config);
      editConfig(config, (doc) => doc.setIn(['localBroker', 'port'], 0));
      return (configs[name] = config);
    };
    await box('wrong-password', broker.url);
    await box('unreachable', `mqtt://127.0.0.1:${await freePort()}`);
    await box('expired', `mqtts://127.0.0.1:${tlsPort}`, ['--ca', expired!.ca]);
    editConfig(await box('port-taken', broker.url), (doc) => {
      doc.setIn(['localBroker', 'host'], '127.0.0.1');
      doc.setIn(['localBroker', 'port'], takenPort);
    });
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    editConfig(await box('data-dir', broker.url), (doc) => doc.setIn(['gateway', 'dataDir'], join(file, 'data')));
    // The township knows the gateway's password, then the box's file is changed: a wrong password.
    const acl = await vgw(['township-acl', '--config', configs['wrong-password']!]);
    writeFileSync(passwords, `${acl.stdout.split('\n').filter((l) => l.includes(':$7$')).join('\n')}\n`);
    await broker.stop();
    await broker.start();
    writeFileSync(join(dir, 'wrong-password', 'etc', 'uplink.password'), 'not-the-township-password\n');
  });
  afterAll(async () => {
    taken?.close();
    await broker?.stop();
  });

  const CASES: Record<string, { en: RegExp[]; zh: RegExp[] }> = {
    'wrong-password': { en: [/PROBLEM uplink: cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: .*Not authorized/, /\n {2}fix: the township refused the username\/password: check uplink\.username and uplink\.passwordFile/], zh: [/问题 uplink：无法连接/, /\n {2}修复：乡镇平台拒绝了用户名或密码/] },
    unreachable: { en: [/PROBLEM uplink: cannot connect/, /\n {2}fix: nothing listens at that address: check uplink\.url/], zh: [/问题 uplink：无法连接/, /\n {2}修复：该地址没有服务在监听：请检查 uplink\.url/] },
    expired: { en: [/PROBLEM uplink: cannot connect/, /\n {2}fix: the township's certificate expired on .*: the township must renew it/, /WARN uplink\.tls\.ca: .*ca\.pem expires on .*, in [01] days\n {2}fix: get a renewed certificate/], zh: [/\n {2}修复：乡镇平台的证书已过期/, /注意 uplink\.tls\.ca：.*ca\.pem 将于 .* 到期/] },
    'port-taken': { en: [/PROBLEM localBroker\.port: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\); fix: stop the other service/], zh: [/问题 localBroker\.port：无法监听 127\.0\.0\.1:\d+（EADDRINUSE）；修复：停掉占用该端口的服务/] },
    'data-dir': { en: [/PROBLEM gateway\.dataDir: ".*a-file\/data" cannot be created: ".*a-file" is not a directory; fix: create it on persistent storage/], zh: [/问题 gateway\.dataDir：无法创建 ".*a-file\/data"：".*a-file" 不是目录；修复：在持久存储上创建该目录/] },
  };

  for (const lang of ['en', 'zh'] as const) {
    it(`in ${lang}`, async () => {
      const results = await Promise.all(Object.keys(CASES).map(async (name) => [name, await vgw(['check', '--config', configs[name]!, '--lang', lang])] as const));
      for (const [name, r] of results) {
        expect(r.code, `${name}: ${r.stdout}`).toBe(1);
        for (const want of CASES[name]![lang]) expect(r.stdout, name).toMatch(want);
        expect(r.stdout + r.stderr, `${name}: the password never shows`).not.toContain(readFileSync(join(dir, 'unreachable', 'etc', 'uplink.password'), 'utf8').trim());
      }
    });
  }
});

/**
 * `vgw init` (issue 12, item 1): the first config of a box, from prompts or, with `--yes`, from flags
 * and defaults. Proposes the gateway id from the township code, the village's pinyin and a number;
 * writes the commented config, the data directory (0700) and the uplink password file (0600); refuses
 * to overwrite a config without `--force`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GATEWAY_ID } from '../../gateway/kernel/ids.js';
import { loadConfigFile } from '../../gateway/config/load.js';
import { fail, type MessageKey, type Out } from '../i18n/i18n.js';
import { configText, giveTo, makeDataDir, userIds, writeOwned, type InitAnswers } from './init-config.js';
import { pinyinOf } from './pinyin.js';
import { stdinPrompter, type Prompter } from './prompter.js';

/** `vgw init`'s flags. */
export interface InitOptions {
  config: string;
  township?: string;
  village?: string;
  number?: string;
  gatewayId?: string;
  broker?: string;
  username?: string;
  passwordFile?: string;
  ca?: string;
  cert?: string;
  key?: string;
  timezone?: string;
  dataDir?: string;
  user?: string;
  yes?: boolean;
  force?: boolean;
}

const TOWNSHIP = /^[0-9a-z-]{1,32}$/;
const BROKER = /^(mqtts?|wss?):\/\/[^\s]+$/;

const validTimezone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** One answer: the flag, else (with --yes) the default, else the prompt; checked by `valid`. */
async function answer(o: { flag: string; value: string | undefined; fallback?: string | undefined; question: MessageKey; bad: MessageKey; valid: (v: string) => boolean }, yes: boolean, prompt: Prompter, out: Out): Promise<string> {
  let value = o.value ?? (yes ? o.fallback : await prompt.ask(out.t(o.question), o.fallback));
  if (value === undefined || value === '') throw fail(out, 'init.missing', { flag: o.flag }, 2);
  value = value.trim();
  if (!o.valid(value)) throw fail(out, o.bad, { flag: o.flag, value }, 2);
  return value;
}

export async function init(o: InitOptions, out: Out): Promise<void> {
  const configFile = resolve(o.config);
  if (existsSync(configFile) && !o.force) throw fail(out, 'init.exists', { file: configFile }, 2);
  const owner = o.user ? userIds(o.user, out) : null;
  const yes = Boolean(o.yes);
  const prompt = stdinPrompter(out.t('init.stdinEnded'));
  try {
    const township = await answer({ flag: '--township', value: o.township, question: 'init.ask.township', bad: 'init.bad.township', valid: (v) => TOWNSHIP.test(v) }, yes, prompt, out);
    const village = await answer({ flag: '--village', value: o.village, question: 'init.ask.village', bad: 'init.bad.village', valid: (v) => v.length > 0 && v.length <= 64 }, yes, prompt, out);
    const number = await answer({ flag: '--number', value: o.number, fallback: '01', question: 'init.ask.number', bad: 'init.bad.number', valid: (v) => /^\d{1,4}$/.test(v) }, yes, prompt, out);
    const spelled = pinyinOf(village);
    if (!spelled && !o.gatewayId) out.progress('init.noPinyin', { village });
    const proposed = spelled ? `${township}-${spelled}-${number.padStart(2, '0')}` : undefined;
    const gatewayId = await answer({ flag: '--gateway-id', value: o.gatewayId, fallback: proposed, question: 'init.ask.gatewayId', bad: 'init.bad.gatewayId', valid: (v) => GATEWAY_ID.test(v) }, yes, prompt, out);
    const broker = await answer({ flag: '--broker', value: o.broker, question: 'init.ask.broker', bad: 'init.bad.broker', valid: (v) => BROKER.test(v) }, yes, prompt, out);
    const username = await answer({ flag: '--username', value: o.username, fallback: gatewayId, question: 'init.ask.username', bad: 'init.bad.username', valid: (v) => v.length > 0 }, yes, prompt, out);
    const passwordFile = resolve(await answer({ flag: '--password-file', value: o.passwordFile, fallback: join(dirname(configFile), 'uplink.password'), question: 'init.ask.passwordFile', bad: 'init.bad.file', valid: (v) => v.length > 0 }, yes, prompt, out));
    const tlsFile = async (flag: string, value: string | undefined, question: MessageKey): Promise<string | null> => {
      const v = value ?? (yes ? '' : await prompt.ask(out.t(question), ''));
      if (!v) return null;
      if (!existsSync(v)) throw fail(out, 'init.bad.file', { flag, value: v }, 2);
      return resolve(v);
    };
    const ca = await tlsFile('--ca', o.ca, 'init.ask.ca');
    const cert = await tlsFile('--cert', o.cert, 'init.ask.cert');
    const key = cert ? await tlsFile('--key', o.key, 'init.ask.key') : null;
    if (cert && !key) throw fail(out, 'init.missing', { flag: '--key' }, 2);
    const timezone = await answer({ flag: '--timezone', value: o.timezone, fallback: 'Asia/Shanghai', question: 'init.ask.timezone', bad: 'init.bad.timezone', valid: validTimezone }, yes, prompt, out);
    const dataDir = resolve(await answer({ flag: '--data-dir', value: o.dataDir, fallback: '/var/lib/vgw', question: 'init.ask.dataDir', bad: 'init.bad.file', valid: (v) => v.length > 0 }, yes, prompt, out));
    let kept: MessageKey = 'init.passwordKept';
    // An existing password file is kept, even with --force: the township knows that password already.
    if (!existsSync(passwordFile)) {
      // The township broker learns the password only as a hash (vgw township-acl); here it is a file 0600.
      const typed = yes ? '' : await prompt.secret(out.t('init.ask.password'));
      kept = typed ? 'init.passwordTyped' : 'init.passwordGenerated';
      writeOwned(passwordFile, `${typed || randomBytes(24).toString('base64url')}\n`, 0o600, false, owner, out);
    } else if (owner) giveTo(passwordFile, owner, out); // the service user must read it
    const answers: InitAnswers = { township, village, gatewayId, broker, username, passwordFile, ca, cert, key, timezone, dataDir };
    makeDataDir(dataDir, owner, out);
    writeOwned(configFile, configText(answers, out, new Date()), 0o640, Boolean(o.force), owner && { uid: 0, gid: owner.gid }, out);
    loadConfigFile(configFile); // what init writes, `vgw check` accepts; a failure here is a bug worth its stack
    out.line('init.written', { file: configFile, id: gatewayId });
    out.line(kept, { file: passwordFile });
    out.line('init.dataDir', { dir: dataDir });
    const systemTz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (systemTz !== timezone) out.line('init.setTimezone', { tz: timezone, now: systemTz });
    out.line('init.next', { file: configFile });
  } finally {
    prompt.close();
  }
}

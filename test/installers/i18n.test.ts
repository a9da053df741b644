/**
 * Issue 12, item 8: one catalogue, zh and en, with the same keys and placeholders; every message the
 * installer commands print comes from it (a lint over their source: no direct writes to stdout/stderr,
 * no literal text given to the output functions, every key used exists and every key is used); and
 * the locale picks the language when --lang is not given. `vgw status`, `vgw reload` and the daemon's
 * status page read the same catalogue (keys `status.*`, `reload.*`), checked the same way.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EN } from '../../provisioning/i18n/messages-en.js';
import { ZH } from '../../provisioning/i18n/messages-zh.js';
import { pickLang } from '../../provisioning/i18n/i18n.js';
import { ROOT, vgw } from '../support/vgw-cli.js';

/** The installer commands' files (issue 12), and vgw check's box checks. */
const FILES = [
  'box-checks.ts', 'box-db.ts', 'check.ts', 'check-lines.ts', 'check-pins.ts', 'check-township.ts', 'config-doc.ts', 'daemon-running.ts', 'device-edit.ts', 'init.ts', 'init-config.ts', 'installer-commands.ts',
  'pinyin.ts', 'prompter.ts', 'report.ts', 'report-data.ts', 'report-html.ts', 'selftest.ts', 'selftest-kinds.ts', 'selftest-store.ts', 'sysfs-line.ts', 'township-acl.ts', 'township-hashes.ts',
].map((f) => join(ROOT, 'provisioning/commands', f));

/** `text` without its `${...}` parts (braces nested to any depth). */
function withoutInterpolations(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$' || text[i + 1] !== '{') {
      out += text[i];
      continue;
    }
    let depth = 0;
    for (i++; i < text.length; i++) if (text[i] === '{') depth++; else if (text[i] === '}' && --depth === 0) break;
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the installer message catalogue', () => {
  it('has every key in both languages, non-empty, with the same placeholders', () => {
    expect(Object.keys(ZH).sort()).toEqual(Object.keys(EN).sort());
    for (const [key, en] of Object.entries(EN)) {
      const zh = ZH[key as keyof typeof EN];
      expect(en.trim(), key).not.toBe('');
      expect(zh.trim(), key).not.toBe('');
      expect(placeholders(zh), key).toEqual(placeholders(en));
    }
  });

  it('is where every message the installer commands print comes from, and every message is used', () => {
    expect(readdirSync(join(ROOT, 'provisioning/commands')).filter((f) => FILES.some((x) => x.endsWith(`/${f}`)))).toHaveLength(FILES.length);
    const used = new Set<string>();
    const prefixes: string[] = [];
    for (const file of FILES) {
      const src = readFileSync(file, 'utf8');
      const name = file.slice(ROOT.length);
      // The prompter is an output function itself: it writes the catalogue's questions it is given.
      if (!name.endsWith('prompter.ts')) expect(src, `${name} writes to the terminal itself`).not.toMatch(/process\.(stdout|stderr)\.write|console\.(log|error|warn|info)/);
      if (!name.endsWith('prompter.ts')) expect(src, `${name} makes a CliError with its own text; use fail(out, key)`).not.toMatch(/new CliError\(/);
      // out.raw is for data (QR codes, JSON, ACL lines): no words of its own outside ${...}.
      for (const m of src.matchAll(/out\.raw\(((?:[^()]|\([^()]*\))*)\)/g)) {
        const literals = [...(m[1] ?? '').replace(/\$\{[^}]*\}/g, '').matchAll(/(['"`])(.*?)\1/g)].map((x) => x[2]).join('');
        expect(literals, `${name}: out.raw(${m[1]}) prints words that are not in the catalogue`).not.toMatch(/[A-Za-z\u4e00-\u9fff]/);
      }
      for (const m of src.matchAll(/(?:out\.(?:line|progress|t)|\bt|fail\(out,)\(?\s*(['`])([a-z][\w.]*?)(\$\{|\1)/g)) {
        if (m[3] === '${') prefixes.push(m[2]!);
        else used.add(m[2]!);
      }
      // Keys held in tables (HEADS, SELF_TESTS' questions); file names like 'report.html' are not keys.
      for (const m of src.matchAll(/'((?:init|acl|box|check|device|selftest|report)\.[\w.]+)'/g)) if (!/\.(html|json|yaml)$/.test(m[1]!)) used.add(m[1]!);
    }
    const keys = Object.keys(EN);
    for (const key of used) if (/^(init|acl|box|check|device|selftest|report)\./.test(key)) expect(keys, `key "${key}" used in the code`).toContain(key);
    for (const p of prefixes) expect(keys.some((k) => k.startsWith(p)), `a key starting "${p}"`).toBe(true);
    // The status/reload keys are checked by the next test, over their own files.
    const unused = keys.filter((k) => !/^(status|reload)\./.test(k) && !used.has(k) && !prefixes.some((p) => k.startsWith(p)));
    expect(unused, 'keys no code uses').toEqual([]);
  });

  it('is where vgw status, vgw reload and the status page get their words, and every status/reload key is used', () => {
    const cli = ['provisioning/commands/status.ts', 'provisioning/commands/reload.ts', 'provisioning/commands/ops-commands.ts'];
    const views = ['gateway/http/status-view.ts', 'gateway/http/page.ts', 'gateway/http/status-text.ts'];
    const used = new Set<string>();
    const prefixes: string[] = [];
    for (const name of [...cli, ...views]) {
      const src = readFileSync(join(ROOT, name), 'utf8');
      expect(src, `${name} has its own table of words; the catalogue is provisioning/i18n/`).not.toMatch(/\{ zh: '/);
      expect(src, `${name} writes to the terminal itself`).not.toMatch(/process\.(stdout|stderr)\.write|console\.(log|error|warn|info)/);
      if (cli.includes(name)) {
        // What the commands print goes through t(): no words of their own outside ${...}, nor in their errors.
        for (const m of src.matchAll(/out\.write\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)/g)) {
          const literals = [...withoutInterpolations(m[1] ?? '').matchAll(/(['"`])(.*?)\1/g)].map((x) => x[2]!.replace(/\\[nt]/g, '')).join('');
          expect(literals, `${name}: out.write(${m[1]}) prints words that are not in the catalogue`).not.toMatch(/[A-Za-z\u4e00-\u9fff]/);
        }
        expect(src, `${name} throws an error with its own text`).not.toMatch(/new (Error|CliError)\(\s*['`]/);
      }
      for (const m of src.matchAll(/'((?:status|reload)\.[\w.]+)'/g)) used.add(m[1]!);
      for (const m of src.matchAll(/`((?:status|reload)\.[\w.]*)\$\{/g)) prefixes.push(m[1]!);
    }
    const keys = Object.keys(EN);
    for (const key of used) expect(keys, `key "${key}" used in the code`).toContain(key);
    for (const p of prefixes) expect(keys.some((k) => k.startsWith(p)), `a key starting "${p}"`).toBe(true);
    const mine = keys.filter((k) => /^(status|reload)\./.test(k));
    expect(mine.length).toBeGreaterThan(40);
    expect(mine.filter((k) => !used.has(k) && !prefixes.some((p) => k.startsWith(p))), 'status/reload keys no code uses').toEqual([]);
  });

  it('follows the locale unless --lang says otherwise', async () => {
    expect(pickLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(pickLang(undefined, { LANG: 'en_US.UTF-8' })).toBe('en');
    expect(pickLang('en', { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(() => pickLang('fr')).toThrow(/use --lang zh or --lang en/);
    const r = await vgw(['device', 'list', '--config', join(ROOT, 'no-such.yaml')], { env: { ...process.env, LANG: 'zh_CN.UTF-8', LC_ALL: '' } });
    expect(r.code).toBe(2);
    const zh = await vgw(['init', '--yes', '--config', '/nonexistent-dir-vgw/x.yaml'], { env: { ...process.env, LANG: 'zh_CN.UTF-8', LC_ALL: '' } });
    expect(zh.stderr).toContain('缺少 --township');
  });
});

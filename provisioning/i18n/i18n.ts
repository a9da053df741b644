/**
 * The installer's language (issue 12, item 8): every message the installer commands print comes from the
 * one catalogue (messages-en.ts, messages-zh.ts), chosen by `--lang zh|en` or the locale (`LANG=zh_CN.UTF-8`).
 */
import { CliError } from '../commands/cli-error.js';
import { LANGS, translate, type Lang, type MessageKey, type Params } from './catalogue.js';

export { CATALOGUES, LANGS, translate, type Lang, type MessageKey, type Params } from './catalogue.js';

/** `--lang` when given, else the locale (LC_ALL, LC_MESSAGES, LANG), else English. */
export function pickLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag !== undefined) {
    if ((LANGS as readonly string[]).includes(flag)) return flag as Lang;
    throw new CliError(`--lang "${flag}": use --lang zh or --lang en (--lang 只能是 zh 或 en)`, 2);
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh' : 'en';
}

/** What an installer command prints with: messages by key, to stdout or stderr. */
export interface Out {
  lang: Lang;
  /** The message text, for a CliError or a file. */
  t(key: MessageKey, params?: Params): string;
  /** Prints a message on stdout. */
  line(key: MessageKey, params?: Params): void;
  /** Prints a progress message on stderr (connecting…, waiting for input…), so stdout stays the result. */
  progress(key: MessageKey, params?: Params): void;
  /** Prints text that is data, not a message (a QR code, an ACL file, JSON). */
  raw(text: string): void;
}

/** An `Out` writing to this process's streams; `sink` collects instead (in-process use). */
export function output(lang: Lang, sink?: (stream: 'out' | 'err', text: string) => void): Out {
  const write = sink ?? ((stream: 'out' | 'err', text: string) => void (stream === 'out' ? process.stdout : process.stderr).write(text));
  const t = (key: MessageKey, params?: Params): string => translate(lang, key, params);
  return {
    lang,
    t,
    line: (key, params) => write('out', `${t(key, params)}\n`),
    progress: (key, params) => write('err', `${t(key, params)}\n`),
    raw: (text) => write('out', text.endsWith('\n') ? text : `${text}\n`),
  };
}

/** A failure as one line in the installer's language, with the fix; exit code 1 (2: a usage mistake). */
export function fail(out: Out, key: MessageKey, params?: Params, exitCode = 1): CliError {
  return new CliError(out.t(key, params), exitCode);
}

/**
 * The one message catalogue (issue 12, item 8) and its lookup, with nothing of the CLI in it, so the
 * daemon's status page (gateway/http/) and the installer commands read the same words.
 */
import { EN, type MessageKey } from './messages-en.js';
import { ZH } from './messages-zh.js';

/** The languages of the catalogue. */
export const LANGS = ['zh', 'en'] as const;
/** One of `LANGS`. */
export type Lang = (typeof LANGS)[number];
export type { MessageKey };

/** Every catalogue by language. */
export const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en: EN, zh: ZH };

/** Values put into a message's `{name}` placeholders. */
export type Params = Record<string, string | number>;

/** The message `key` in `lang` with its placeholders filled; a placeholder without a value stays visible. */
export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  return CATALOGUES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

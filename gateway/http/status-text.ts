/**
 * The status view's language: the words come from the one catalogue (provisioning/i18n/catalogue.ts,
 * keys `status.*` and `reload.*`), shared with the installer commands; here only how a language is
 * picked from a web request or a locale, and durations for people.
 */
import { translate, type Lang, type MessageKey, type Params } from '../../provisioning/i18n/catalogue.js';

export { LANGS, type Lang } from '../../provisioning/i18n/catalogue.js';

/** A key of the status view's messages. */
export type TextKey = Extract<MessageKey, `status.${string}` | `reload.${string}`>;

/** The text of `key` in `lang`, with `{name}` replaced from `params`. */
export function t(lang: Lang, key: TextKey, params: Params = {}): string {
  return translate(lang, key, params);
}

/** `zh` or `en` from `--lang`, `?lang=`, an Accept-Language header or a locale (`zh_CN.UTF-8`); English otherwise. */
export function pickLang(...hints: (string | undefined)[]): Lang {
  for (const hint of hints) {
    if (!hint) continue;
    const first = hint.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('zh')) return 'zh';
    if (first.startsWith('en')) return 'en';
  }
  return 'en';
}

/** A duration for people: `42 s`, `5 min`, `3 h 10 min`, `2 d 4 h` (Chinese: 秒 分 小时 天). */
export function duration(lang: Lang, sec: number): string {
  const u = (unit: 's' | 'm' | 'h' | 'd', n: number) => t(lang, `status.dur.${unit}`, { n });
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return u('s', s);
  if (s < 3600) return u('m', Math.floor(s / 60));
  if (s < 86400) return `${u('h', Math.floor(s / 3600))} ${u('m', Math.floor((s % 3600) / 60))}`;
  return `${u('d', Math.floor(s / 86400))} ${u('h', Math.floor((s % 86400) / 3600))}`;
}

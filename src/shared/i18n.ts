/**
 * Every string the user sees comes from `public/_locales/<locale>/messages.json`
 * through the browser's i18n API (the browser picks the locale: its UI language,
 * else `default_locale` "en"). Works the same in the popup, options, welcome,
 * background and content script, with no library (nothing added to the content
 * script's budget).
 *
 * Keys are typed from the English file, so a key that does not exist is a type
 * error; `test/unit/locales.test.ts` checks every locale has every key with the
 * same substitutions. Write keys out in full where they are used (no key built
 * from pieces) so a search for a key finds its uses: the test relies on it.
 *
 * Substitutions are `$1`…`$9` in the message, filled in order from `subs`.
 */
import type en from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof en;
/** Keys that come as a `_one` / `_other` pair, named without the suffix (see `tn`). */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer B}_one` ? B : never) : never;

interface I18nApi {
  getMessage(name: string, substitutions?: string | string[]): string;
  getUILanguage(): string;
}
const g = globalThis as unknown as { browser?: { i18n?: I18nApi }; chrome?: { i18n?: I18nApi } };
const api = (): I18nApi | undefined => g.browser?.i18n ?? g.chrome?.i18n;

/** The message `key` in the user's language, with `$1`… filled from `subs`. */
export function t(key: MessageKey, ...subs: (string | number)[]): string {
  // A missing key gives "" in both browsers: show the key rather than nothing (the tests fail on it first).
  return api()?.getMessage(key, subs.map(String)) || key;
}

let rules: Intl.PluralRules | undefined;
/** `key_one` or `key_other` as the language's plural rules pick for `n`, with `n` as `$1` (formatted). */
export function tn(key: PluralKey, n: number, ...subs: (string | number)[]): string {
  rules ??= new Intl.PluralRules(lang());
  const form = rules.select(n) === 'one' ? 'one' : 'other';
  return t(`${key}_${form}` as MessageKey, formatNumber(n), ...subs);
}

/**
 * The language of the messages shown (a BCP 47 tag), which is not always the browser's:
 * a German browser gets the English messages. For `<html lang>` and for numbers and dates.
 */
export function lang(): string {
  const l = api()?.getMessage('locale');
  return l || 'en';
}

let numbers: Intl.NumberFormat | undefined;
export function formatNumber(n: number): string {
  numbers ??= new Intl.NumberFormat(lang());
  return numbers.format(n);
}

/** Sets the page's language and title from the messages (extension pages' HTML is not translated by the browser). */
export function localizePage(title: MessageKey): void {
  document.documentElement.lang = lang();
  document.title = t(title);
}

/**
 * The message cut at its `$1`…`$9`, with `subs` put in their places as they are (not as text):
 * for messages with an element inside, e.g. "Press $1 to save" with a <kbd>. The pieces of
 * the message stay strings, so they are rendered as text (Preact children, or `el.append(...)`).
 */
export function parts<T>(key: MessageKey, ...subs: T[]): (string | T)[] {
  const marks = subs.map((_, i) => `$${i + 1}`);
  // Each substitution given as "$N" comes back as "$N": the message's own text stays as it is.
  const raw = api()?.getMessage(key, marks) || key;
  const out: (string | T)[] = [];
  let last = 0;
  for (const m of raw.matchAll(/\$([1-9])/g)) {
    const i = Number(m[1]) - 1;
    if (i >= subs.length) continue;
    if (m.index! > last) out.push(raw.slice(last, m.index));
    out.push(subs[i]);
    last = m.index! + m[0].length;
  }
  if (last < raw.length) out.push(raw.slice(last));
  return out;
}

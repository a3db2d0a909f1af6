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
}
const g = globalThis as unknown as { browser?: { i18n?: I18nApi }; chrome?: { i18n?: I18nApi } };

/** `$1`…`$9` come back from the browser as these marks (private-use characters no message holds). */
const MARK = '\uE000';
const MARKS = Array.from({ length: 9 }, (_, i) => `${MARK}${i + 1}`);
const templates = new Map<string, string>();

/**
 * The message with its substitutions as marks, read once per key. Kept, because a content script
 * whose extension was reloaded or updated can no longer call the API ("Extension context
 * invalidated"), and it still has to say so on the cards (annotate.ts orphan()).
 */
function template(key: MessageKey): string {
  let m = templates.get(key);
  if (m === undefined) {
    try {
      m = (g.browser?.i18n ?? g.chrome?.i18n)?.getMessage(key, MARKS) ?? '';
    } catch {
      m = ''; // the extension context is gone
    }
    // A missing key gives "" in both browsers: show the key rather than nothing (the tests fail on it first).
    if (!m) return key;
    templates.set(key, m);
  }
  return m;
}

/** The message `key` in the user's language, with `$1`… filled from `subs`. */
export function t(key: MessageKey, ...subs: (string | number)[]): string {
  const m = template(key);
  return m.includes(MARK) ? m.replace(/\uE000([1-9])/g, (_, d: string) => String(subs[Number(d) - 1] ?? '')) : m;
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
  const l = template('locale');
  return l === 'locale' ? 'en' : l;
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
  const out: (string | T)[] = [];
  for (const [i, piece] of template(key)
    .split(/\uE000([1-9])/)
    .entries()) {
    // split() with a group: text, digit, text, digit, …
    if (i % 2 === 0) {
      if (piece) out.push(piece);
    } else if (Number(piece) <= subs.length) out.push(subs[Number(piece) - 1]);
  }
  return out;
}

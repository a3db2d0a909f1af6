// IndexedDB for the store and migration tests, in Node.
import 'fake-indexeddb/auto';

// The browser's i18n API, answering from the English messages as a browser in English does
// (src/shared/i18n.ts reads browser.i18n or chrome.i18n).
import en from '../../public/_locales/en/messages.json';

const messages = en as Record<string, { message: string }>;
const g = globalThis as unknown as { chrome?: { i18n?: unknown } };
g.chrome ??= {};
g.chrome.i18n ??= {
  getUILanguage: () => 'en',
  getMessage(name: string, subs?: string | string[]): string {
    const m = messages[name]?.message;
    if (m === undefined) return '';
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return m.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === '$' ? '$' : (list[Number(d) - 1] ?? '')));
  },
};

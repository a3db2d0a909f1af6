/**
 * The popup's first paint, a classic script (index.html loads it before the
 * module pipeline; vite.config.ts builds it as one IIFE): the popup's frame
 * (header, search box, filters, as App.tsx draws them), the newest rows read
 * straight from IndexedDB, and a search box that answers from the index at
 * once, so a search typed while the review UI (Preact, library, editors) loads
 * is answered before it has loaded. The review UI takes over in one commit
 * (App.tsx: the query typed here, the last answer, the focus and the caret),
 * then this script stops.
 *
 * No idb, no Preact: plain DOM and IndexedDB (library/first-rows.ts), the
 * index's Searcher (library/search.ts) and the messages (shared/i18n.ts).
 */
import { openForReading, readFirstRows, readPapers, wordSource } from '../library/first-rows';
import { Searcher } from '../library/search';
import { formatNumber, localizePage, t } from '../shared/i18n';
import type { Paper } from '../shared/model';
import type { Hits } from '../shared/query';

/** What the review UI takes over (App.tsx mount). */
export interface FirstPaint {
  /** Settles once the first rows are drawn, or once there is nothing to draw. */
  painted: Promise<void>;
  /** The newest rows; null when they could not be read here (a database to create, migrate, or newer). */
  rows: Paper[] | null;
  /** The search box, whose text is the query from now on. */
  input: HTMLInputElement;
  /** Whether the user typed in it (their query wins over the stored one). */
  typed: boolean;
  /** The index's last answer here, and the papers read for its best hits. */
  hits: Hits | null;
  found: Paper[];
  /** How many tags there are, once read (the review UI shows it until it has read its own). */
  tagCount: number | null;
  /** Settles once no answer is on its way: the review UI loads then, not against a search typed meanwhile. */
  idle(): Promise<void>;
  /** The review UI took over: stop answering, let the connection go. */
  stop(): void;
}

declare global {
  interface Window {
    papershelfFirstPaint?: FirstPaint;
  }
}

performance.mark('papershelf:script');
// The database first: opening it is a round trip to the browser's database process, which the
// rest of this script (and the page's parse and stylesheet) overlaps.
const db = openForReading();
localizePage('popupTitle');

/** Rows drawn here: more than the popup shows, fewer than a read that shows on the clock. */
const FIRST_ROWS = 30;
/** view-store.ts's key: the query stored at the last closing comes back in the box. */
const VIEW_KEY = 'papershelf.popup.view';

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
}
const g = globalThis as unknown as { browser?: { storage: { local: StorageArea } }; chrome?: { storage: { local: StorageArea } } };
const storedQuery = (async () => {
  try {
    const q = ((await (g.browser ?? g.chrome)?.storage.local.get(VIEW_KEY))?.[VIEW_KEY] as { query?: unknown } | undefined)?.query;
    return typeof q === 'string' && q.length <= 500 ? q : '';
  } catch {
    return ''; // App reads the stored view again, and says what failed
  }
})();

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text = ''): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text; // page text: always as text
  return e;
};

// The frame App.tsx draws, so nothing moves when it takes over. Inert: only the search box works yet.
const header = el('header');
header.inert = true;
const h1 = header.appendChild(el('h1'));
const icon = h1.appendChild(el('img'));
Object.assign(icon, { src: '/icons/icon-32.png', width: 20, height: 20, alt: t('extName') });
const tabs = header.appendChild(el('div', 'tabs'));
// The count once read (below); until then an ellipsis, as loading.
const tagsTab = el('button', '', t('popup_tabTagsCount', '…'));
tabs.append(el('button', '', t('popup_tabPapers')), el('button', '', t('popup_tabDigest')), tagsTab, el('button', '', t('popup_tabTrash')));
tabs.firstElementChild!.setAttribute('aria-selected', 'true');
header.append(el('button', 'menu', '⋯'));
const panel = el('div', 'panel');
const controls = panel.appendChild(el('div', 'controls'));
const input = controls.appendChild(el('input', 'search'));
Object.assign(input, { type: 'search', placeholder: t('popup_searchPlaceholder') });
input.setAttribute('aria-label', t('popup_searchLabel'));
const filters = controls.appendChild(el('div', 'filters'));
filters.inert = true;
for (const key of ['popup_anyStatus', 'popup_addTagFilter', 'popup_sortSaved'] as const) filters.appendChild(el('select')).append(el('option', '', t(key)));
const scroller = panel.appendChild(el('div', 'scroller'));
/**
 * The frame in the page. index.html loads this script in <head>, before the stylesheet (a script
 * after a stylesheet waits for it), so the body may not be parsed yet: the frame goes in as soon
 * as #first is there, tried again when the first rows are read, and at the latest once readyState
 * says "interactive" (the parse done, before the stylesheet and the module scripts are waited for).
 */
let attach!: () => boolean;
const attached = new Promise<void>((resolve) => {
  attach = () => {
    const first = document.getElementById('first');
    if (first && !first.contains(panel)) {
      first.replaceChildren(header, panel);
      resolve();
    }
    return !!first;
  };
  if (attach()) return;
  const onState = () => {
    if (document.readyState !== 'loading') {
      document.removeEventListener('readystatechange', onState);
      attach();
    }
  };
  document.addEventListener('readystatechange', onState);
});

function paint(rows: Paper[]) {
  const ul = el('ul', 'first');
  // Not yet the review list (no controls until App takes over): labelled and marked busy as such.
  ul.setAttribute('aria-label', t('popup_firstRowsLabel'));
  ul.setAttribute('aria-busy', 'true');
  for (const p of rows) {
    const row = ul.appendChild(el('li')).appendChild(el('div', 'row'));
    const main = row.appendChild(el('div', 'main'));
    const a = main.appendChild(el('a', 'title', p.title));
    // model.ts absUrl/hfUrl, written out: importing them would add the model's code to the first paint.
    Object.assign(a, {
      href: p.source === 'arxiv' ? `https://arxiv.org/abs/${p.id}` : `https://huggingface.co/papers/${p.id}`,
      target: '_blank',
      rel: 'noopener noreferrer',
    });
    main.append(el('div', 'meta', p.authors.slice(0, 3).join(', ')));
  }
  scroller.replaceChildren(ul);
}

const searcher = new Searcher(async () => {
  const d = await db;
  if (!d) throw new Error('no database to read here');
  return wordSource(d);
});
let stopped = false;
let seq = 0;
/** The answer on its way, if any. */
let asking: Promise<void> = Promise.resolve();

const state: FirstPaint = {
  painted: Promise.resolve(),
  rows: null,
  input,
  typed: false,
  hits: null,
  found: [],
  tagCount: null,
  async idle() {
    for (let p = asking; ; p = asking) {
      await p;
      if (p === asking) return;
    }
  },
  stop() {
    stopped = true;
    input.removeEventListener('input', onInput);
    void db.then((d) => d?.close());
  },
};

/** Shows the answer to `q` (the newest rows when it has no searchable word); an older answer never replaces a newer one. */
async function answer(q: string) {
  const mine = ++seq;
  const d = await db;
  const rows = await rowsRead;
  if (!d || !rows) return;
  try {
    const ids = q.trim() ? await searcher.search(q) : null;
    const found = ids ? await readPapers(d, ids.slice(0, FIRST_ROWS)) : [];
    if (mine !== seq || stopped) return;
    state.hits = ids ? { query: q.trim(), ids } : null;
    state.found = found;
    paint(ids ? found : rows);
    // For `npm run bench` (popup.searchReady: who answered, when).
    if (ids) performance.mark('papershelf:first-paint-answer');
  } catch {
    // The review UI searches again and says what failed.
  }
}

function onInput() {
  // For `npm run bench` (popup.searchReady: when the typing arrived).
  if (!state.typed) performance.mark('papershelf:typed');
  state.typed = true;
  asking = answer(input.value);
}
input.addEventListener('input', onInput);

/** The newest rows, drawn; null when they could not be read here. */
const rowsRead = (async (): Promise<Paper[] | null> => {
  const d = await db;
  performance.mark('papershelf:db-open');
  if (!d) return null;
  try {
    const { rows, tags } = await readFirstRows(d, FIRST_ROWS);
    if (!attach()) await attached;
    if (stopped) return null;
    tagsTab.textContent = t('popup_tabTagsCount', formatNumber(tags));
    state.tagCount = tags;
    state.rows = rows;
    // A query typed meanwhile is answered next (answer() waits for these rows).
    paint(rows);
    if (rows.length) performance.mark('papershelf:first-rows');
    return rows;
  } catch {
    return null; // App reads again, and says what failed
  }
})();

state.painted = rowsRead.then(async (rows) => {
  // The query of the last session, unless the user typed first.
  const q = rows && (await storedQuery);
  if (q && !state.typed && !stopped) {
    input.value = q;
    asking = answer(q);
  }
});

window.papershelfFirstPaint = state;

/**
 * The papers' abstracts, kept in pages since v7: every abstract lives in one of
 * ABSTRACT_PAGES records of the `abstracts` store, chosen by a hash of the
 * paper's id. IndexedDB's cost is per record (10,000 abstracts as 10,000
 * records were half of an import's and of a first WebDAV download's write;
 * as 256 pages they are a few hundred ms), while a single save rewrites one
 * page (about 60 kB at 10,000 papers).
 *
 * Within a write transaction, the pages read are kept for that transaction
 * (`held`), so that two writers of the same page in it (putPaper for many
 * papers at once) each change the one copy and the last put holds both.
 */
import { unwrap } from 'idb';
import type { Shelf } from './db';
import type { WriteTx } from './write';

/** How many pages the abstracts are spread over. Changing it needs a migration of the stored pages. */
export const ABSTRACT_PAGES = 256;

/** One page of abstracts: `texts` maps a paper's id to its abstract. */
export interface AbstractPage {
  id: string;
  texts: Record<string, string>;
}

/** The key of the page that holds the abstract of paper `id` (FNV-1a of the id). */
export function pageOf(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `p${(h >>> 0) % ABSTRACT_PAGES}`;
}

/** The abstract of `id` in page `p`: its own key only (an id is never read as an Object method). */
const textIn = (p: AbstractPage, id: string): string | undefined => (Object.prototype.hasOwnProperty.call(p.texts, id) ? p.texts[id] : undefined);

/** Every page (`list`) as a map of paper id to abstract. */
export function flatten(list: readonly AbstractPage[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const page of list) for (const id of Object.keys(page.texts)) out.set(id, page.texts[id]);
  return out;
}

/** Every abstract the library holds, in one read of the store (of a transaction of the caller's, or `db`'s own). */
export async function allAbstracts(from: Shelf | { getAll(): Promise<AbstractPage[]> }): Promise<Map<string, string>> {
  return flatten(await ('objectStoreNames' in from ? from.getAll('abstracts') : from.getAll()));
}

/** The abstracts of `ids` (those that have one), each page read once through `store` (a transaction's, read or write). */
export async function abstractsOf(store: { get(key: string): Promise<AbstractPage | undefined> }, ids: readonly string[]): Promise<Map<string, string>> {
  const keys = [...new Set(ids.map(pageOf))];
  const found = await Promise.all(keys.map((k) => store.get(k)));
  const pages = new Map(keys.map((k, i) => [k, found[i]]));
  const out = new Map<string, string>();
  for (const id of ids) {
    const p = pages.get(pageOf(id));
    const t = p && textIn(p, id);
    if (t !== undefined) out.set(id, t);
  }
  return out;
}

/** `papers` with their abstracts from `texts` joined back (a paper without one as it is). */
export function joinAbstracts<P extends { id: string }>(papers: readonly P[], texts: ReadonlyMap<string, string>): (P & { abstract?: string })[] {
  return papers.map((p) => {
    const text = texts.get(p.id);
    return text ? { ...p, abstract: text } : p;
  });
}

/** The pages a write transaction has read, by key: one copy each, changed in place. */
const held = new WeakMap<IDBTransaction, Map<string, Promise<AbstractPage>>>();

function page(tx: WriteTx, key: string): Promise<AbstractPage> {
  const raw = unwrap(tx);
  let pages = held.get(raw);
  if (!pages) held.set(raw, (pages = new Map()));
  let p = pages.get(key);
  if (!p) {
    p = tx
      .objectStore('abstracts')
      .get(key)
      .then((found) => found ?? { id: key, texts: {} });
    pages.set(key, p);
  }
  return p;
}

/** The stored abstract of a paper (undefined when none), as this write transaction has it. */
export async function abstractIn(tx: WriteTx, id: string): Promise<string | undefined> {
  return textIn(await page(tx, pageOf(id)), id);
}

/** The stored abstracts of `ids` (those that have one), as this write transaction has them. */
export function abstractsIn(tx: WriteTx, ids: readonly string[]): Promise<Map<string, string>> {
  return abstractsOf({ get: (k) => page(tx, k) }, ids);
}

/**
 * Sets (a string) or removes (null) the abstracts of many papers in this write transaction:
 * each page read once and put once. Resolves when every page is written; a failed write aborts
 * the transaction, whose `done` then rejects with its error.
 */
export async function writeAbstracts(tx: WriteTx, changes: Iterable<readonly [id: string, text: string | null]>): Promise<void> {
  const byPage = new Map<string, [string, string | null][]>();
  for (const [id, text] of changes) {
    const k = pageOf(id);
    let list = byPage.get(k);
    if (!list) byPage.set(k, (list = []));
    list.push([id, text]);
  }
  const store = tx.objectStore('abstracts');
  await Promise.all(
    [...byPage].map(async ([k, list]) => {
      const p = await page(tx, k);
      let changed = false;
      for (const [id, text] of list) {
        if (text === null) {
          if (textIn(p, id) !== undefined) {
            delete p.texts[id];
            changed = true;
          }
        } else if (textIn(p, id) !== text) {
          p.texts[id] = text;
          changed = true;
        }
      }
      if (!changed) return;
      // An emptied page goes: a library without abstracts holds no records for them.
      await (Object.keys(p.texts).length ? store.put(p) : store.delete(k));
    }),
  );
}

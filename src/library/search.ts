/**
 * The search index, kept in IndexedDB beside the papers (store `words`, since
 * v4): one record per term with its postings, so the popup searches titles,
 * authors, tags, notes and abstracts of 10,000 papers without holding any of
 * it in memory, and the index is there the moment the database opens.
 *
 * Every writer keeps it current through `indexWrite` (papers.ts, tags.ts,
 * import-write.ts, sync-local.ts all do: the library is the only writer), by
 * the difference between a paper's terms before and after the write. A term's
 * weight in a paper is the sum of the boosts of the fields it occurs in (title
 * counts most, the abstract least); a query term of three letters or more
 * matches every indexed term it begins; all query terms must match (AND).
 *
 * Chosen over MiniSearch in the popup by measurement (README, issue notes):
 * MiniSearch over abstracts held ~25 MB of the popup's heap and took seconds
 * to build at every opening; this costs a few ms per query and nothing to open.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { Paper } from '../shared/model';
import { tokenize } from '../rank/features';
import type { ShelfDB } from './db';

const BOOST = { title: 4, authors: 2, tags: 2, note: 1.5, abstract: 0.5 } as const;

/**
 * A term's postings as stored: the paper ids joined by spaces, and their
 * weights (×2, so the field boosts are whole numbers) as bytes. One string and
 * one byte array clone many times faster than arrays of 10,000 strings and
 * numbers, in and out of IndexedDB: a common term's read is what a keystroke waits on.
 */
export interface WordRecord {
  t: string;
  ids: string;
  w: Uint8Array;
}

/** Postings in memory: ids and weights, parallel. */
interface Postings {
  t: string;
  ids: string[];
  w: ArrayLike<number>;
}

const decode = (r: WordRecord): Postings => ({ t: r.t, ids: r.ids ? r.ids.split(' ') : [], w: r.w });
const toByte = (w: number) => Math.min(255, Math.round(w * 2));

export type Terms = Map<string, number>;

/** The indexed terms of a paper and their weights. Tags are indexed by key (their names differ only in case). */
export function termsOf(p: Pick<Paper, 'title' | 'authors' | 'tags' | 'note'>, abstract: string | undefined): Terms {
  const out: Terms = new Map();
  const add = (text: string | undefined, boost: number) => {
    if (!text) return;
    for (const t of new Set(tokenize(text))) out.set(t, (out.get(t) ?? 0) + boost);
  };
  add(p.title, BOOST.title);
  add(p.authors.join(' '), BOOST.authors);
  add(p.tags.join(' '), BOOST.tags);
  add(p.note, BOOST.note);
  add(abstract, BOOST.abstract);
  return out;
}

type WordStore = IDBPObjectStore<ShelfDB, StoreNames<ShelfDB>[], 'words', 'readwrite' | 'versionchange'>;

const sameTerms = (a: Terms, b: Terms) => a.size === b.size && [...a].every(([t, w]) => b.get(t) === w);

/**
 * Updates the postings of one paper, inside the caller's write transaction:
 * `before` and `after` are its terms before and after the write (null: absent).
 */
export function indexWrite(words: WordStore, id: string, before: Terms | null, after: Terms | null): Promise<void> {
  if (before && after && sameTerms(before, after)) return Promise.resolve();
  return indexMany(words, [[id, before, after]]);
}

/**
 * Updates the postings of many papers at once (an import, the v4 migration):
 * each touched term is read once and written once, all reads in one batch.
 */
export async function indexMany(words: WordStore, changes: Iterable<readonly [string, Terms | null, Terms | null]>): Promise<void> {
  // Per term: the papers to (re)write with their weights, and the papers whose old posting goes.
  // Arrays, not maps per term: an import of 10,000 papers makes a million postings.
  const ops = new Map<string, { ids: string[]; w: number[]; drop: string[] | null }>();
  const op = (t: string) => {
    let o = ops.get(t);
    if (!o) ops.set(t, (o = { ids: [], w: [], drop: null }));
    return o;
  };
  for (const [id, before, after] of changes) {
    if (before) for (const [t, w] of before) if (!after || after.get(t) !== w) (op(t).drop ??= []).push(id);
    if (after) {
      for (const [t, w] of after) {
        if (before && before.get(t) === w) continue;
        const o = op(t);
        o.ids.push(id);
        o.w.push(toByte(w));
      }
    }
  }
  const terms = [...ops.keys()];
  const records = await Promise.all(terms.map((t) => words.get(t)));
  await Promise.all(
    terms.map((t, i) => {
      const o = ops.get(t)!;
      const old = records[i];
      let ids = o.ids;
      let w = o.w;
      if (old?.ids) {
        // Keep the old postings of papers this write does not touch.
        const gone = new Set(o.drop ?? []);
        for (const id of o.ids) gone.add(id);
        const p = decode(old);
        const keepIds: string[] = [];
        const keepW: number[] = [];
        for (let j = 0; j < p.ids.length; j++) {
          if (gone.has(p.ids[j])) continue;
          keepIds.push(p.ids[j]);
          keepW.push(p.w[j]);
        }
        ids = keepIds.concat(o.ids);
        w = keepW.concat(o.w);
      }
      if (!ids.length) return old ? words.delete(t) : undefined;
      return words.put({ t, ids: ids.join(' '), w: Uint8Array.from(w) });
    }),
  );
}

/** Longest list of indexed terms one prefix may expand to: more says nothing about what the user wants. */
const PREFIX_TERMS = 400;

/**
 * What the searcher reads: the `words` store. idb's Shelf is one; the popup's
 * first-paint script (popup/first-paint.ts) gives plain IndexedDB, so it carries
 * no idb and no library code beyond this file.
 */
export interface WordSource {
  getAll(store: 'words', range: IDBKeyRange, count: number): Promise<WordRecord[]>;
  get(store: 'words', key: string): Promise<WordRecord | undefined>;
}

/** Postings read for a query, the paper ids as numbers of this searcher (Searcher.names). */
interface Numbered {
  t: string;
  d: Uint32Array;
  w: ArrayLike<number>;
}

/**
 * Queries the index. Keeps what it read per query token, so typing one more
 * letter narrows in memory instead of reading again.
 *
 * Paper ids become numbers once, as their postings are read (each searcher
 * numbers the ids it meets), so a query merges typed arrays indexed by number,
 * not maps of strings: a three-letter prefix ("tra") expands to hundreds of
 * terms whose postings name most of 10,000 papers, and each keystroke merged
 * them into a Map<string, number> per token. The answer is the same, in the
 * same order (ties in the order the last token's postings meet them), as the
 * map merge gave: test/unit/search.test.ts holds the two side by side.
 */
export class Searcher {
  private cache = new Map<string, Numbered[]>();
  /** Paper id → its number here, and back. */
  private numbers = new Map<string, number>();
  private names: string[] = [];
  constructor(private db: () => Promise<WordSource>) {}

  /** Forget what was read: the library changed. */
  invalidate() {
    this.cache.clear();
  }

  private number(r: WordRecord): Numbered {
    const ids = r.ids ? r.ids.split(' ') : [];
    const d = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      let n = this.numbers.get(ids[i]);
      if (n === undefined) {
        n = this.names.length;
        this.numbers.set(ids[i], n);
        this.names.push(ids[i]);
      }
      d[i] = n;
    }
    return { t: r.t, d, w: r.w };
  }

  private async postings(token: string): Promise<Numbered[]> {
    const hit = this.cache.get(token);
    if (hit) return hit;
    // A longer token narrows what a shorter one (its prefix) already read, if that list was complete.
    for (let n = token.length - 1; n >= 3; n--) {
      const base = this.cache.get(token.slice(0, n));
      if (base && base.length < PREFIX_TERMS) {
        const narrowed = base.filter((r) => r.t.startsWith(token));
        this.cache.set(token, narrowed);
        return narrowed;
      }
    }
    const db = await this.db();
    let found: WordRecord[];
    if (token.length >= 3) found = await db.getAll('words', IDBKeyRange.bound(token, `${token}\uffff`), PREFIX_TERMS);
    else {
      const exact = await db.get('words', token);
      found = exact ? [exact] : [];
    }
    if (this.cache.size > 200) this.cache.clear();
    const numbered = found.map((r) => this.number(r));
    this.cache.set(token, numbered);
    return numbered;
  }

  /**
   * Ids of the papers that match every term of `query`, best first; null when the query has no
   * searchable term. A last word of one or two letters still being typed (nothing after it) that
   * no paper has as a whole word is left out until it is a prefix (three letters): typing
   * "diffusion mo" keeps the answer to "diffusion" instead of emptying the list at every second
   * letter; "diffusion 3d" still narrows to papers with the word "3d".
   */
  async search(query: string): Promise<string[] | null> {
    const tokens = [...new Set(tokenize(query))];
    if (!tokens.length) return null;
    const lists = await Promise.all(tokens.map((t) => this.postings(t)));
    const last = tokens[tokens.length - 1];
    if (last.length < 3 && !lists[lists.length - 1].length && query.trimEnd() === query && query.toLowerCase().endsWith(last)) {
      tokens.pop();
      lists.pop();
      if (!tokens.length) return null;
    }
    const n = this.names.length;
    // The sum so far per paper number, and the papers still in (every token so far matched them),
    // in the order the last token's postings met them.
    const total = new Float64Array(n);
    let order: number[] | null = null;
    let inPrev: Uint8Array | null = null;
    for (const records of lists) {
      // Best weight per paper over the terms this token matched (a prefix matches every term it starts).
      // Weights are at least 1 (toByte), so 0 is "not matched".
      const best = new Uint8Array(n);
      const mine: number[] = [];
      for (const r of records) {
        const { d, w } = r;
        for (let i = 0; i < d.length; i++) {
          const id = d[i];
          if (inPrev && !inPrev[id]) continue;
          const x = w[i];
          if (best[id] < x) {
            if (best[id] === 0) mine.push(id);
            best[id] = x;
          }
        }
      }
      for (const id of mine) total[id] += best[id];
      order = mine;
      if (!mine.length) break;
      inPrev = best;
    }
    // Stable: equal scores keep the order above.
    return order!.sort((a, b) => total[b] - total[a]).map((id) => this.names[id]);
  }
}

/**
 * The database, typed with idb's DBSchema. Opened by the background and by our
 * own extension pages (same origin, same database); never by a content script
 * (IndexedDB there would be the page's). Upgrades are cumulative
 * `if (oldVersion < N)` blocks on the upgrade transaction, so a database of any
 * past version reaches the current one.
 *
 * Lifecycle: a connection closes itself when another context wants to upgrade
 * (versionchange), and forgets itself when the browser terminates it, so the
 * next call opens a fresh one. A database newer than this build (the profile
 * was used by a newer PaperShelf, then downgraded) is never touched: opening
 * fails with NewerDatabaseError, whose message the popup and options page show.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Paper, Tag } from '../shared/model';
import { indexMany, termsOf, type Terms, type WordRecord } from './search';
import type { CorpusEntry } from './corpus';
import type { TrashEntry } from './trash';
import { pageOf, type AbstractPage } from './abstracts';

import { DB_NAME, DB_VERSION } from '../shared/database';
import { t } from '../shared/i18n';

export { DB_NAME, DB_VERSION };

export interface ShelfDB extends DBSchema {
  papers: {
    key: string;
    value: Paper;
    indexes: { savedAt: number; tags: string };
  };
  tags: {
    key: string;
    value: Tag;
  };
  /** Removed papers, for sync: a removal must win over older copies on other browsers. Since v3. */
  tombstones: {
    key: string;
    value: Tombstone;
  };
  /**
   * Abstracts, apart from the papers since v4: the popup reads papers for its
   * list and never needs 10,000 abstracts (~15 MB) in memory. The library
   * joins them back where a whole paper is wanted (export, merge). Since v7 in
   * ABSTRACT_PAGES pages of many abstracts each (abstracts.ts), not one record each.
   */
  abstracts: {
    key: string;
    value: AbstractPage;
  };
  /** The search index (search.ts), since v4: one record per term with its postings. */
  words: {
    key: string;
    value: WordRecord;
  };
  /** Every card listed on a page we annotate, saved or not (corpus.ts): the ranking's corpus, seen marks, "not relevant". Since v5. */
  corpus: {
    key: string;
    value: CorpusEntry;
    indexes: { listedAt: number; notRelevant: number };
  };
  /** The ranking's derived data (vocabulary, models), kept so a woken worker ranks at once. Since v5. */
  rank: {
    key: string;
    value: { key: string; [k: string]: unknown };
  };
  /** Small records of the library itself: the hybrid logical clock (clock.ts), the corpus's size, papers the search index owes. Since v6. */
  meta: {
    key: string;
    value: { key: string; t: number; ids?: string[] };
  };
  /** Removed papers, whole (abstract included), for 30 days: "Recently removed" and Undo (trash.ts). Since v6. */
  trash: {
    key: string;
    value: TrashEntry;
    indexes: { removedAt: number };
  };
}

/**
 * A removal, kept so that sync can tell other browsers. `deletedAt` is a logical time (clock.ts);
 * `synced` is set once a sync round wrote it to the sync area: only then may it be collected.
 * `learntAt` is this device's wall clock when it made or first heard of the removal: its age is
 * counted from there, never from deletedAt (which another device's clock may have set a year ahead).
 */
export interface Tombstone {
  id: string;
  deletedAt: number;
  synced?: boolean;
  learntAt?: number;
}

/** How old a removal is to this device: since it learnt of it (deletedAt for tombstones from before learntAt). */
export const learnt = (t: Tombstone): number => t.learntAt ?? t.deletedAt;

/** Every store a write of papers touches: a paper, its abstract, its terms, its tags, its tombstone, the clock, the trash. */
export const WRITE_STORES = ['papers', 'tags', 'tombstones', 'abstracts', 'words', 'meta', 'trash'] as const;

export type Shelf = IDBPDatabase<ShelfDB>;

// Writes must survive a crash or a killed worker right after they were acknowledged.
export const STRICT = { durability: 'strict' } as const;

/**
 * Resolves when `last`, the last of many requests of `tx` with no listeners of their own,
 * succeeded (so did every request before it). When one fails, the transaction aborts and the
 * promise rejects with the first error, as awaiting each request would (after the first
 * failure every pending request fails with an AbortError).
 */
export function lastSucceeded(tx: IDBTransaction, last: IDBRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    let first: DOMException | null = null;
    const onError = (e: Event) => {
      first ??= (e.target as IDBRequest).error;
    };
    tx.addEventListener('error', onError);
    last.addEventListener('success', () => {
      tx.removeEventListener('error', onError);
      resolve();
    });
    last.addEventListener('error', () => {
      tx.removeEventListener('error', onError);
      reject(first ?? last.error);
    });
  });
}

/** The profile holds a database written by a newer PaperShelf: this build reads and writes nothing. */
export class NewerDatabaseError extends Error {
  constructor(public found: number | undefined) {
    // The message is in the user's language: recognise the error by its class or name (isNewerDatabase), never by its text.
    super(found ? t('lib_newerDatabaseFormat', found, DB_VERSION) : t('lib_newerDatabase'));
    this.name = 'NewerDatabaseError';
  }
}

/** Whether an error (as thrown by openShelf or connection(), not its message) is NewerDatabaseError. */
export const isNewerDatabase = (e: unknown): boolean => e instanceof NewerDatabaseError || (e instanceof Error && e.name === 'NewerDatabaseError');

export interface OpenHooks {
  /** The connection went away (another context upgrades, or the browser closed it): open anew next time. */
  onClose?(): void;
}

/** Opens (and upgrades) the library. Rejects with NewerDatabaseError on a downgrade. */
export async function openShelf(name = DB_NAME, hooks: OpenHooks = {}): Promise<Shelf> {
  let db: Shelf | undefined;
  try {
    db = await openDB<ShelfDB>(name, DB_VERSION, {
      upgrade,
      blocked(current, blockedVersion) {
        // An older connection elsewhere has not closed yet; it will on its versionchange.
        console.warn(`PaperShelf: database upgrade ${current} → ${blockedVersion} waits for another tab or the worker to close it`);
      },
      blocking() {
        // Another context opens a newer version: let it, and reopen on the next call.
        db?.close();
        hooks.onClose?.();
      },
      terminated() {
        console.warn('PaperShelf: the browser closed the database connection; reopening on the next call');
        hooks.onClose?.();
      },
    });
    return db;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'VersionError') throw new NewerDatabaseError(await storedVersion(name));
    throw e;
  }
}

/** The version of the database on disk, where the browser can tell (indexedDB.databases). */
async function storedVersion(name: string): Promise<number | undefined> {
  try {
    return (await indexedDB.databases()).find((d) => d.name === name)?.version;
  } catch {
    return undefined;
  }
}

/**
 * A lazily opened shared connection that reopens after it was closed or
 * failed: what the background and each page hold.
 */
export function connection(name = DB_NAME): () => Promise<Shelf> {
  let p: Promise<Shelf> | undefined;
  return () =>
    (p ??= openShelf(name, { onClose: () => (p = undefined) }).catch((e) => {
      p = undefined; // the next call tries again (a downgrade fails again, with the same message)
      throw e;
    }));
}

function upgrade(
  db: IDBPDatabase<ShelfDB>,
  oldVersion: number,
  _newVersion: number | null,
  transaction: IDBPTransaction<ShelfDB, StoreNames<ShelfDB>[], 'versionchange'>,
) {
  /** The v2 fill's walk, when it runs: v4's walk starts after it, or the two would write the same records in turn. */
  let filled: Promise<void> | undefined;
  /** The v4 walk, when it runs: v7's paging of the abstracts starts after it. */
  let moved: Promise<void> | undefined;
  if (oldVersion < 1) {
    const papers = db.createObjectStore('papers', { keyPath: 'id' });
    papers.createIndex('savedAt', 'savedAt');
  }
  if (oldVersion < 2) {
    // v2: tags (multiEntry index over tag keys), reading status, notes. (v2 to v7 also kept an
    // index of the status, which nothing read; v8 drops it.)
    const papers = transaction.objectStore('papers');
    papers.createIndex('tags', 'tags', { multiEntry: true });
    db.createObjectStore('tags', { keyPath: 'key' });
    // Fill the new fields in papers saved under v1, inside the upgrade transaction.
    filled = papers.openCursor().then(async function fill(cursor): Promise<void> {
      if (!cursor) return;
      const p = cursor.value as Partial<Paper>;
      await cursor.update({ ...p, tags: p.tags ?? [], status: p.status ?? 'to-read', note: p.note ?? '' } as Paper);
      return fill(await cursor.continue());
    });
  }
  if (oldVersion < 3) {
    db.createObjectStore('tombstones', { keyPath: 'id' });
  }
  if (oldVersion < 4) {
    // v4: abstracts move to their own store; the search index is built from every paper.
    db.createObjectStore('abstracts', { keyPath: 'id' });
    db.createObjectStore('words', { keyPath: 't' });
    const papers = transaction.objectStore('papers');
    const abstracts = transaction.objectStore('abstracts');
    const words = transaction.objectStore('words');
    const terms: [string, null, Terms][] = [];
    const walk = () =>
      papers.openCursor().then(async function move(cursor): Promise<void> {
        if (!cursor) return indexMany(words, terms);
        const { abstract, ...rest } = cursor.value;
        if (abstract) {
          // One record per abstract, as v4 to v6 kept them: the v7 step below puts them in pages.
          void abstracts.put({ id: rest.id, text: abstract } as unknown as AbstractPage);
          void cursor.update(rest as Paper);
        }
        terms.push([rest.id, null, termsOf({ title: rest.title, authors: rest.authors, tags: rest.tags ?? [], note: rest.note ?? '' }, abstract)]);
        return move(await cursor.continue());
      });
    moved = filled ? filled.then(walk) : walk();
  }
  if (oldVersion < 5) {
    const corpus = db.createObjectStore('corpus', { keyPath: 'id' });
    corpus.createIndex('listedAt', 'listedAt');
    // Sparse: only entries marked not relevant carry the field, so this index lists exactly them.
    corpus.createIndex('notRelevant', 'notRelevant');
    db.createObjectStore('rank', { keyPath: 'key' });
  }
  if (oldVersion < 6) {
    db.createObjectStore('meta', { keyPath: 'key' });
    db.createObjectStore('trash', { keyPath: 'id' }).createIndex('removedAt', 'removedAt');
  }
  if (oldVersion < 7) {
    // v7: the abstracts, one record each until now, go into ABSTRACT_PAGES pages (abstracts.ts).
    const abstracts = transaction.objectStore('abstracts');
    const page = () =>
      abstracts.getAll().then(async (records) => {
        const pages = new Map<string, AbstractPage>();
        for (const r of records as unknown as { id: string; text?: unknown; texts?: unknown }[]) {
          if (typeof r.text !== 'string') continue; // already a page
          const k = pageOf(r.id);
          let p = pages.get(k);
          if (!p) pages.set(k, (p = { id: k, texts: {} }));
          p.texts[r.id] = r.text;
        }
        if (!pages.size) return;
        const writes: Promise<unknown>[] = [];
        for (const p of pages.values()) for (const id in p.texts) writes.push(abstracts.delete(id));
        for (const p of pages.values()) writes.push(abstracts.put(p));
        await Promise.all(writes);
      });
    void (moved ? moved.then(page) : page());
  }
  if (oldVersion < 8 && oldVersion >= 2) {
    // v8: the papers' index of reading status goes. Nothing read it (the popup filters the papers it
    // holds), and every paper written paid for it: about a tenth of an import of 10,000.
    const papers = transaction.objectStore('papers');
    if (papers.indexNames.contains('status' as never)) papers.deleteIndex('status');
  }
}

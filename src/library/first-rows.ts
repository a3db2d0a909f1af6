/**
 * What the popup's first-paint script reads (popup/first-paint.ts): plain
 * IndexedDB, no idb and no library code but the search index's reader, so the
 * script stays one small classic file. It only reads, and only a database of
 * exactly this build's version: an older one (an update not yet migrated) is
 * left for openShelf to upgrade, a newer one is reported (db.ts
 * NewerDatabaseError) by the review UI that follows.
 */
import type { Paper } from '../shared/model';
import { DB_NAME, DB_VERSION } from '../shared/database';
import type { WordRecord, WordSource } from './search';

const done = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** The library opened for reading, or null when this read cannot be done here (a database to create, migrate, or newer than this build). */
export function openForReading(name = DB_NAME): Promise<IDBDatabase | null> {
  return new Promise((resolve) => {
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(name, DB_VERSION);
    } catch {
      return resolve(null);
    }
    // A database to create or migrate: not a first paint's business. Aborting leaves it as it was.
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
    req.onsuccess = () => {
      const db = req.result;
      // Another context upgrades: let it (this connection would block it), the review UI reads on.
      db.onversionchange = () => db.close();
      resolve(db);
    };
  });
}

/** IDBIndex.getAllRecords (Chromium 141+; not in TypeScript's DOM types yet): records in a direction, at most `count`. */
interface RecordsIndex {
  getAllRecords?(options: { query?: IDBKeyRange | null; count?: number; direction?: IDBCursorDirection }): IDBRequest<{ value: unknown }[]>;
}

/**
 * The `n` newest saved papers (no abstracts: they live apart), newest first as the savedAt index
 * read backwards gives them, and how many tags there are. Each request is a round trip to the
 * browser's database process, which a loaded machine makes slow: where the browser has
 * getAllRecords, one request reads the index backwards; elsewhere a cursor finds the n-th newest
 * savedAt and one getAll reads from there on (three requests, not a cursor's one per row).
 */
export async function readFirstRows(db: IDBDatabase, n: number): Promise<{ rows: Paper[]; tags: number }> {
  const tx = db.transaction(['papers', 'tags']);
  const tags = done(tx.objectStore('tags').count());
  const index = tx.objectStore('papers').index('savedAt');
  const records = (index as RecordsIndex).getAllRecords;
  if (records) {
    const rows = (await done(records.call(index, { direction: 'prev', count: n }))).map((r) => r.value as Paper);
    return { rows, tags: await tags };
  }
  // The savedAt of the n-th newest paper; undefined when there are fewer (then every paper is read).
  const from = await new Promise<IDBValidKey | undefined>((resolve, reject) => {
    const req = index.openKeyCursor(null, 'prev');
    let first = true;
    req.onsuccess = () => {
      const c = req.result;
      if (c && first && n > 1) {
        first = false;
        c.advance(n - 1);
      } else resolve(c?.key);
    };
    req.onerror = () => reject(req.error);
  });
  const all = (await done(index.getAll(from === undefined ? null : IDBKeyRange.lowerBound(from)) as IDBRequest<Paper[]>)).reverse();
  return { rows: all.slice(0, n), tags: await tags };
}

/** The papers of `ids` that exist, in that order. */
export async function readPapers(db: IDBDatabase, ids: string[]): Promise<Paper[]> {
  const store = db.transaction('papers').objectStore('papers');
  const found = await Promise.all(ids.map((id) => done(store.get(id) as IDBRequest<Paper | undefined>)));
  return found.filter((p): p is Paper => !!p);
}

/** The search index's store, for a Searcher (search.ts). */
export const wordSource = (db: IDBDatabase): WordSource => ({
  getAll: (_store, range, count) => done(db.transaction('words').objectStore('words').getAll(range, count) as IDBRequest<WordRecord[]>),
  get: (_store, key) => done(db.transaction('words').objectStore('words').get(key) as IDBRequest<WordRecord | undefined>),
});

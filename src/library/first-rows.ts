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

/** The `n` newest saved papers (no abstracts: they live apart), and how many tags there are. */
export function readFirstRows(db: IDBDatabase, n: number): Promise<{ rows: Paper[]; tags: number }> {
  return new Promise((resolve, reject) => {
    const rows: Paper[] = [];
    const tx = db.transaction(['papers', 'tags']);
    const tags = done(tx.objectStore('tags').count());
    const cursor = tx.objectStore('papers').index('savedAt').openCursor(null, 'prev');
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (c && rows.length < n) {
        rows.push(c.value as Paper);
        c.continue();
      } else void tags.then((count) => resolve({ rows, tags: count }), reject);
    };
    cursor.onerror = () => reject(cursor.error);
  });
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

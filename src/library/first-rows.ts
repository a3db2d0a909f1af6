/**
 * The popup's first paint reads its rows here: plain IndexedDB, no library
 * code, so the first-paint script is one small file (popup/main.ts). It only
 * reads, and only a database of exactly this build's version: an older one
 * (an update not yet migrated) is left for openShelf to upgrade, a newer one
 * is reported (db.ts NewerDatabaseError) by the review UI that follows.
 */
import type { Paper } from '../shared/model';

export const DB_NAME = 'papershelf';
export const DB_VERSION = 6;

/** The `n` newest saved papers (no abstracts: they live apart), or null when this read cannot be done here. */
export function readFirstRows(n: number, name = DB_NAME): Promise<Paper[] | null> {
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
      const rows: Paper[] = [];
      try {
        const cursor = db.transaction('papers').objectStore('papers').index('savedAt').openCursor(null, 'prev');
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (c && rows.length < n) {
            rows.push(c.value as Paper);
            c.continue();
          } else {
            db.close();
            resolve(rows);
          }
        };
        cursor.onerror = () => (db.close(), resolve(null));
      } catch {
        db.close();
        resolve(null);
      }
    };
  });
}

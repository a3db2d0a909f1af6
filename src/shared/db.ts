/**
 * The database, typed with idb's DBSchema. Only the background opens it
 * (design.md): IndexedDB opened in a content script would be the page's.
 * Upgrades are cumulative `if (oldVersion < N)` blocks on the upgrade
 * transaction, so a database of any past version reaches the current one.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Paper, Tag } from './model';

export const DB_NAME = 'papershelf';
export const DB_VERSION = 3;

export interface ShelfDB extends DBSchema {
  papers: {
    key: string;
    value: Paper;
    indexes: { savedAt: number; tags: string; status: string };
  };
  tags: {
    key: string;
    value: Tag;
  };
  /** Removed papers, for sync: a removal must win over older copies on other browsers. Since v3. */
  tombstones: {
    key: string;
    value: { id: string; deletedAt: number };
  };
}

export type Shelf = IDBPDatabase<ShelfDB>;

// Writes must survive a crash or a killed worker right after they were acknowledged.
export const STRICT = { durability: 'strict' } as const;

export function openShelf(name = DB_NAME): Promise<Shelf> {
  return openDB<ShelfDB>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        const papers = db.createObjectStore('papers', { keyPath: 'id' });
        papers.createIndex('savedAt', 'savedAt');
      }
      if (oldVersion < 2) {
        // v2: tags (multiEntry index over tag keys), reading status, notes.
        const papers = transaction.objectStore('papers');
        papers.createIndex('tags', 'tags', { multiEntry: true });
        papers.createIndex('status', 'status');
        db.createObjectStore('tags', { keyPath: 'key' });
        // Fill the new fields in papers saved under v1, inside the upgrade transaction.
        void papers.openCursor().then(async function fill(cursor): Promise<void> {
          if (!cursor) return;
          const p = cursor.value as Partial<Paper>;
          await cursor.update({ ...p, tags: p.tags ?? [], status: p.status ?? 'to-read', note: p.note ?? '' } as Paper);
          return fill(await cursor.continue());
        });
      }
      if (oldVersion < 3) {
        db.createObjectStore('tombstones', { keyPath: 'id' });
      }
    },
  });
}

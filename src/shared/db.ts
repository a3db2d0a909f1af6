/**
 * The database, typed with idb's DBSchema. Only the background opens it
 * (design.md): IndexedDB opened in a content script would be the page's.
 * Upgrades are cumulative `if (oldVersion < N)` blocks on the upgrade
 * transaction, so a database of any past version reaches the current one.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Paper } from './model';

export const DB_NAME = 'papershelf';
export const DB_VERSION = 1;

export interface ShelfDB extends DBSchema {
  papers: {
    key: string;
    value: Paper;
    indexes: { savedAt: number };
  };
}

export type Shelf = IDBPDatabase<ShelfDB>;

export function openShelf(name = DB_NAME): Promise<Shelf> {
  return openDB<ShelfDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const papers = db.createObjectStore('papers', { keyPath: 'id' });
        papers.createIndex('savedAt', 'savedAt');
      }
    },
  });
}

/**
 * What a device has read of the folder, by file name: files are immutable and
 * named by their content, so a name read once never needs reading again. Kept
 * in a database of its own (`papershelf-webdav`), apart from the library's:
 * it is a cache of the server, and dropping it costs only a download.
 * Also keeps the marks the last round ended with (state.ts fromLocalFull).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DavState, Mark } from './state';

export interface CachedFile {
  name: string;
  size: number;
  /** The file's state; absent when the file was unreadable (then `bad` says why). */
  state?: DavState;
  bad?: string;
}

export interface FileCache {
  get(name: string): Promise<CachedFile | undefined>;
  /**
   * Keeps a file's state: `get` has it at once; storing it may wait for `flush` (the round's
   * end), so that copying a state of 10,000 papers into storage (seconds) does not hold up a round.
   */
  put(f: CachedFile): Promise<void>;
  /** Stores what `put` kept since the last flush. A flush that fails loses only the cache (the next round reads the file again). */
  flush(): Promise<void>;
  /** Forgets files no longer listed. */
  keepOnly(names: Set<string>): Promise<void>;
  lastMarks(): Promise<Map<string, Mark>>;
  setLastMarks(m: Map<string, Mark>): Promise<void>;
  clear(): Promise<void>;
}

/** A cache in memory only (tests; a first round). */
export function memoryCache(): FileCache {
  const files = new Map<string, CachedFile>();
  let marks = new Map<string, Mark>();
  return {
    get: async (n) => files.get(n),
    put: async (f) => void files.set(f.name, f),
    flush: async () => {},
    keepOnly: async (names) => {
      for (const n of [...files.keys()]) if (!names.has(n)) files.delete(n);
    },
    lastMarks: async () => new Map(marks),
    setLastMarks: async (m) => void (marks = new Map(m)),
    clear: async () => {
      files.clear();
      marks = new Map();
    },
  };
}

interface CacheDB extends DBSchema {
  files: { key: string; value: CachedFile };
  kv: { key: string; value: { key: string; value: unknown } };
}

/**
 * The IndexedDB cache, with its files also held in memory while the worker lives. A put is
 * stored at the next flush (the background's syncer flushes after a round's status is out):
 * the structured clone of a snapshot's state takes the worker's thread for a second or more.
 */
export function idbCache(name = 'papershelf-webdav'): FileCache {
  let db: Promise<IDBPDatabase<CacheDB>> | undefined;
  const open = () =>
    (db ??= openDB<CacheDB>(name, 1, {
      upgrade(d) {
        d.createObjectStore('files', { keyPath: 'name' });
        d.createObjectStore('kv', { keyPath: 'key' });
      },
      blocking() {
        void db?.then((x) => x.close());
        db = undefined;
      },
    }));
  const mem = new Map<string, CachedFile>();
  /** Put since the last flush, not stored yet. */
  const queued = new Map<string, CachedFile>();
  /** The flush under way: later flushes, keepOnly and clear come after it. */
  let writing: Promise<void> = Promise.resolve();
  const after = <T>(f: () => Promise<T>): Promise<T> => {
    const p = writing.then(f);
    writing = p.then(
      () => {},
      () => {},
    );
    return p;
  };
  return {
    async get(n) {
      const hit = mem.get(n);
      if (hit) return hit;
      const f = await (await open()).get('files', n);
      if (f) mem.set(n, f);
      return f;
    },
    async put(f) {
      mem.set(f.name, f);
      queued.set(f.name, f);
    },
    flush() {
      if (!queued.size) return writing;
      const batch = [...queued.values()];
      queued.clear();
      return after(async () => {
        const tx = (await open()).transaction('files', 'readwrite');
        for (const f of batch) void tx.store.put(f).catch(() => {}); // a failed put aborts the transaction: tx.done says so
        await tx.done;
      });
    },
    async keepOnly(names) {
      for (const n of [...mem.keys()]) if (!names.has(n)) mem.delete(n);
      for (const n of [...queued.keys()]) if (!names.has(n)) queued.delete(n);
      await after(async () => {
        const d = await open();
        for (const n of await d.getAllKeys('files')) {
          if (!names.has(n)) {
            mem.delete(n);
            await d.delete('files', n);
          }
        }
      });
    },
    async lastMarks() {
      return ((await (await open()).get('kv', 'marks'))?.value as Map<string, Mark> | undefined) ?? new Map();
    },
    async setLastMarks(m) {
      await (await open()).put('kv', { key: 'marks', value: m });
    },
    async clear() {
      mem.clear();
      queued.clear();
      await after(async () => {
        const d = await open();
        await d.clear('files');
        await d.clear('kv');
      });
    },
  };
}

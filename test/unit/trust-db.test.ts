/**
 * The database over its whole life: migration from every past version at
 * 10,000 papers, a downgrade (a profile used by a newer PaperShelf) that must
 * leave the data untouched, and a connection that steps aside for an upgrade.
 */
import { describe, expect, it } from 'vitest';
import { connection, DB_VERSION, NewerDatabaseError, openShelf } from '../../src/library/db';
import { readFull } from '../../src/library/write';
import { ABSTRACT_PAGES, pageOf } from '../../src/library/abstracts';
import type { Paper } from '../../src/shared/model';

const N = 10_000;
let dbN = 0;
const fresh = (what: string) => `trust-db-${what}-${dbN++}-${Math.random().toString(36).slice(2, 8)}`;

/** Raw IndexedDB, as an old PaperShelf wrote it. */
function openRaw(name: string, version?: number, upgrade?: (db: IDBDatabase, tx: IDBTransaction, oldVersion: number) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
    req.onupgradeneeded = (e) => upgrade?.(req.result, req.transaction!, e.oldVersion);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`open ${name} v${version} blocked`));
  });
}

function fill(db: IDBDatabase, store: string, records: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    const os = tx.objectStore(store);
    for (const r of records) os.put(r);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });
}

function getAllRaw(db: IDBDatabase, store: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const req = db.transaction(store).objectStore(store).getAll();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const id = (i: number) => `24${String(1 + (i % 12)).padStart(2, '0')}.${String(i).padStart(5, '0')}`;

/** A paper as PaperShelf 1 saved it: no tags, status or note. */
const v1Paper = (i: number) => ({
  id: id(i),
  title: `Paper number ${i}: “unicode” — and more`,
  authors: i % 7 === 0 ? [] : ['Ada Lovelace', `Author ${i}`],
  ...(i % 3 === 0 ? { abstract: `Abstract ${i}. `.repeat(5) } : {}),
  ...(i % 5 === 0 ? { upvotes: i % 100 } : {}),
  url: i % 2 ? `https://huggingface.co/papers/${id(i)}` : `https://arxiv.org/abs/${id(i)}`,
  source: i % 2 ? 'hf' : 'arxiv',
  savedAt: 1_700_000_000_000 + i * 1000,
  updatedAt: 1_700_000_000_000 + i * 1000 + (i % 4),
});

/** A paper as PaperShelf 2 saved it: with tags, status and note. */
const v2Paper = (i: number): Paper => ({
  ...(v1Paper(i) as Paper),
  tags: i % 4 === 0 ? [] : [`topic ${i % 30}`, ...(i % 3 === 0 ? ['to cite'] : [])],
  status: (['to-read', 'reading', 'read'] as const)[i % 3],
  note: i % 5 === 0 ? '' : `Note ${i}\nline two`,
});

describe('migration', () => {
  it(`from version 1 with ${N.toLocaleString('en')} papers loses nothing and fills the new fields`, async () => {
    const name = fresh('v1');
    const raw = await openRaw(name, 1, (db) => {
      db.createObjectStore('papers', { keyPath: 'id' }).createIndex('savedAt', 'savedAt');
    });
    const originals = Array.from({ length: N }, (_, i) => v1Paper(i));
    await fill(raw, 'papers', originals);
    raw.close();

    const db = await openShelf(name);
    try {
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual(['abstracts', 'corpus', 'meta', 'papers', 'rank', 'tags', 'tombstones', 'trash', 'words']);
      expect(await db.count('papers')).toBe(N);
      // Abstracts live in their own store since v4: the library joins them back.
      const byId = new Map((await readFull(db)).map((p) => [p.id, p]));
      expect(byId.size).toBe(N);
      for (const o of originals) {
        // Every original field intact, the new ones at their defaults, nothing else.
        expect(byId.get(o.id)).toEqual({ ...o, tags: [], status: 'to-read', note: '' });
      }
      expect(await db.count('tags')).toBe(0);
      expect(await db.count('tombstones')).toBe(0);
      // The index of tags v2 added answers for the old papers too; v8 dropped v2's index of statuses.
      expect(await db.countFromIndex('papers', 'tags')).toBe(0);
      expect([...db.transaction('papers').store.indexNames].sort()).toEqual(['savedAt', 'tags']);
      expect(await db.countFromIndex('papers', 'savedAt')).toBe(N);
      const newest = await db.transaction('papers').store.index('savedAt').openCursor(null, 'prev');
      expect(newest?.value.id).toBe(id(N - 1));
    } finally {
      db.close();
    }
  }, 30_000);

  it(`from version 2 with ${N.toLocaleString('en')} tagged papers loses nothing`, async () => {
    const name = fresh('v2');
    const raw = await openRaw(name, 2, (db) => {
      const papers = db.createObjectStore('papers', { keyPath: 'id' });
      papers.createIndex('savedAt', 'savedAt');
      papers.createIndex('tags', 'tags', { multiEntry: true });
      papers.createIndex('status', 'status');
      db.createObjectStore('tags', { keyPath: 'key' });
    });
    const originals = Array.from({ length: N }, (_, i) => v2Paper(i));
    const tags = Array.from({ length: 30 }, (_, i) => ({ key: `topic ${i}`, name: `Topic ${i}`, hue: (i * 37) % 360 })).concat([
      { key: 'to cite', name: 'To cite', hue: 120 },
    ]);
    await fill(raw, 'papers', originals);
    await fill(raw, 'tags', tags);
    raw.close();

    const db = await openShelf(name);
    try {
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual(['abstracts', 'corpus', 'meta', 'papers', 'rank', 'tags', 'tombstones', 'trash', 'words']);
      expect(await db.count('papers')).toBe(N);
      // Abstracts live in their own store since v4: the library joins them back.
      const byId = new Map((await readFull(db)).map((p) => [p.id, p]));
      for (const o of originals) expect(byId.get(o.id)).toEqual(o);
      expect(await db.getAll('tags')).toEqual([...tags].sort((a, b) => (a.key < b.key ? -1 : 1)));
      expect(await db.count('tombstones')).toBe(0);
      // The multiEntry index still answers.
      const cite = originals.filter((p) => p.tags.includes('to cite')).length;
      expect(cite).toBeGreaterThan(0);
      expect(await db.countFromIndex('papers', 'tags', 'to cite')).toBe(cite);
      // The index of statuses (v2 to v7) is gone in v8; every status is kept in its paper.
      expect([...db.transaction('papers').store.indexNames].sort()).toEqual(['savedAt', 'tags']);
      expect((await db.getAll('papers')).filter((p) => p.status === 'read').length).toBe(originals.filter((p) => p.status === 'read').length);
    } finally {
      db.close();
    }
  }, 30_000);

  it('from version 2 keeps tags, status and notes of papers written before the v2 fill ran (no reset to defaults)', async () => {
    // A v2 paper whose fields differ from the defaults the v1→v2 fill writes: a v2 → v3 upgrade must not run that fill.
    const name = fresh('v2-fill');
    const raw = await openRaw(name, 2, (db) => {
      const papers = db.createObjectStore('papers', { keyPath: 'id' });
      papers.createIndex('savedAt', 'savedAt');
      papers.createIndex('tags', 'tags', { multiEntry: true });
      papers.createIndex('status', 'status');
      db.createObjectStore('tags', { keyPath: 'key' });
    });
    const p = { ...v2Paper(1), tags: ['x'], status: 'read' as const, note: 'kept', fieldsAt: { tags: 5, status: 6, note: 7 } };
    await fill(raw, 'papers', [p]);
    raw.close();
    const db = await openShelf(name);
    expect(await db.get('papers', p.id)).toEqual(p);
    db.close();
  });

  it(`from version 6 with ${N.toLocaleString('en')} abstracts, one record each, puts them in pages and loses none`, async () => {
    const name = fresh('v6');
    // Version 6's layout, as PaperShelf 6 made it: one record per abstract.
    const raw = await openRaw(name, 6, (db) => {
      const papers = db.createObjectStore('papers', { keyPath: 'id' });
      papers.createIndex('savedAt', 'savedAt');
      papers.createIndex('tags', 'tags', { multiEntry: true });
      papers.createIndex('status', 'status');
      db.createObjectStore('tags', { keyPath: 'key' });
      db.createObjectStore('tombstones', { keyPath: 'id' });
      db.createObjectStore('abstracts', { keyPath: 'id' });
      db.createObjectStore('words', { keyPath: 't' });
      const corpus = db.createObjectStore('corpus', { keyPath: 'id' });
      corpus.createIndex('listedAt', 'listedAt');
      corpus.createIndex('notRelevant', 'notRelevant');
      db.createObjectStore('rank', { keyPath: 'key' });
      db.createObjectStore('meta', { keyPath: 'key' });
      db.createObjectStore('trash', { keyPath: 'id' }).createIndex('removedAt', 'removedAt');
    });
    const originals = Array.from({ length: N }, (_, i) => v2Paper(i));
    await fill(
      raw,
      'papers',
      originals.map(({ abstract: _, ...rest }) => rest),
    );
    const withText = originals.filter((p) => p.abstract);
    await fill(
      raw,
      'abstracts',
      withText.map((p) => ({ id: p.id, text: p.abstract })),
    );
    raw.close();

    const db = await openShelf(name);
    try {
      expect(db.version).toBe(DB_VERSION);
      const byId = new Map((await readFull(db)).map((p) => [p.id, p]));
      for (const o of originals) expect(byId.get(o.id)).toEqual(o);
      // Every record of the store is a page, and each abstract is in the page its id names.
      const pages = await db.getAll('abstracts');
      expect(pages.length).toBe(new Set(withText.map((p) => pageOf(p.id))).size);
      expect(pages.length).toBeLessThanOrEqual(ABSTRACT_PAGES);
      for (const page of pages) {
        expect(Object.keys(page).sort()).toEqual(['id', 'texts']);
        for (const pid of Object.keys(page.texts)) expect(pageOf(pid)).toBe(page.id);
      }
      expect(pages.reduce((n, page) => n + Object.keys(page.texts).length, 0)).toBe(withText.length);
    } finally {
      db.close();
    }
  }, 30_000);

  it('opening the current version again changes nothing', async () => {
    const name = fresh('v3');
    const db = await openShelf(name);
    await db.put('papers', v2Paper(3));
    await db.put('tombstones', { id: id(4), deletedAt: 5 });
    db.close();
    const again = await openShelf(name);
    expect(await again.getAll('papers')).toEqual([v2Paper(3)]);
    expect(await again.getAll('tombstones')).toEqual([{ id: id(4), deletedAt: 5 }]);
    again.close();
  });
});

describe('downgrade: a profile used by a newer PaperShelf', () => {
  const NEWER = 99;

  async function newerDb() {
    const name = fresh('newer');
    const raw = await openRaw(name, NEWER, (db) => {
      db.createObjectStore('papers', { keyPath: 'id' });
      db.createObjectStore('future', { keyPath: 'k' });
    });
    await fill(raw, 'papers', [v2Paper(1), v2Paper(2)]);
    await fill(raw, 'future', [{ k: 'x', v: 1 }]);
    raw.close();
    return name;
  }

  async function expectUntouched(name: string) {
    const raw = await openRaw(name); // no version: opens whatever is there
    try {
      expect(raw.version).toBe(NEWER);
      expect([...raw.objectStoreNames].sort()).toEqual(['future', 'papers']);
      expect(await getAllRaw(raw, 'papers')).toEqual([v2Paper(1), v2Paper(2)]);
      expect(await getAllRaw(raw, 'future')).toEqual([{ k: 'x', v: 1 }]);
    } finally {
      raw.close();
    }
  }

  it('openShelf rejects with NewerDatabaseError and leaves the database as it was', async () => {
    const name = await newerDb();
    const err = await openShelf(name).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NewerDatabaseError);
    expect((err as Error).message).toContain('This profile was used by a newer PaperShelf');
    expect((err as Error).message).toContain('nothing was changed');
    // Where the browser tells the version on disk, the message names it.
    expect((err as NewerDatabaseError).found).toBe(NEWER);
    expect((err as Error).message).toContain(`library format ${NEWER}, this version reads ${DB_VERSION}`);
    await expectUntouched(name);
  });

  it('connection() rejects the same way on every call (retries, never caches the failure)', async () => {
    const name = await newerDb();
    const get = connection(name);
    const first = await get().catch((e: unknown) => e);
    const second = await get().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(NewerDatabaseError);
    expect(second).toBeInstanceOf(NewerDatabaseError);
    // A fresh attempt, not the same rejected promise handed out again.
    expect(second).not.toBe(first);
    await expectUntouched(name);
  });

  it('connection() opens once the newer database is gone (the failure was not cached)', async () => {
    const name = await newerDb();
    const get = connection(name);
    await expect(get()).rejects.toBeInstanceOf(NewerDatabaseError);
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
    });
    const db = await get();
    expect(db.version).toBe(DB_VERSION);
    // And then it is shared: the same connection on the next call.
    expect(await get()).toBe(db);
    db.close();
  });
});

describe('lifecycle', () => {
  it('a held connection steps aside for an upgrade elsewhere; the next call then reports the newer database', async () => {
    const name = fresh('life');
    const get = connection(name);
    const db = await get();
    await db.put('papers', v2Paper(7));
    expect(await get()).toBe(db);

    // Another context (a newer PaperShelf after an update) upgrades. Not blocked: our connection closes on versionchange.
    const upgraded = await Promise.race([
      openRaw(name, DB_VERSION + 1, (raw) => raw.createObjectStore('next', { keyPath: 'id' })),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('upgrade blocked by the held connection')), 3000)),
    ]);
    expect(upgraded.version).toBe(DB_VERSION + 1);
    expect(await getAllRaw(upgraded, 'papers')).toEqual([v2Paper(7)]);
    upgraded.close();

    // The old connection is closed: using it fails rather than reading a stale schema.
    expect(() => db.transaction('papers')).toThrow();
    // The next call opens anew (not the closed connection), and the database is now newer than this build.
    const err = await get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NewerDatabaseError);
    expect((err as NewerDatabaseError).found).toBe(DB_VERSION + 1);
  });

  it('a held connection does not block another context opening the same version', async () => {
    const name = fresh('life2');
    const get = connection(name);
    const db = await get();
    const other = await openShelf(name);
    await other.put('papers', v2Paper(8));
    expect(await db.get('papers', v2Paper(8).id)).toEqual(v2Paper(8));
    other.close();
    expect(await get()).toBe(db);
    db.close();
  });
});

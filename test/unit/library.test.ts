import { describe, expect, it } from 'vitest';
import { lastSucceeded, openShelf } from '../../src/library/db';
import { catchUpIndex, importInto, importLibrary } from '../../src/library/import-write';
import { writeTx } from '../../src/library/write';
import { Searcher } from '../../src/library/search';
import { listPapers, savePaper, tagPapers } from '../../src/library/papers';
import { listTags } from '../../src/library/tags';
import type { Paper } from '../../src/shared/model';

const paper = (id: string, over: Partial<Paper> = {}): Paper => ({
  id,
  title: `Paper ${id}`,
  authors: ['Ada'],
  url: 'https://arxiv.org/abs/' + id,
  source: 'arxiv',
  savedAt: 1000,
  updatedAt: 1000,
  tags: [],
  status: 'to-read',
  note: '',
  ...over,
});

describe('importLibrary', () => {
  it('adds new papers, merges existing ones (union of tags, newer note), drops nothing', async () => {
    const db = await openShelf('lib-1');
    await savePaper(db, { id: '2505.00001', title: 'Mine', authors: ['Ada'], url: 'https://huggingface.co/papers', source: 'hf' }, 500);
    await tagPapers(db, ['2505.00001'], 'Mine');
    const summary = await importLibrary(
      db,
      [paper('2505.00001', { tags: ['theirs'], note: 'from the backup', updatedAt: 9e12 }), paper('2505.00002', { tags: ['theirs'] })],
      [{ key: 'theirs', name: 'Theirs', hue: 10 }],
      9e12,
    );
    expect(summary).toMatchObject({ added: 1, updated: 1, unchanged: 0 });
    const papers = await listPapers(db);
    const mine = papers.find((p) => p.id === '2505.00001')!;
    expect(mine).toMatchObject({ title: 'Mine', tags: ['mine', 'theirs'], note: 'from the backup', savedAt: 500 });
    expect((await listTags(db)).map((t) => [t.tag.name, t.count])).toEqual([
      ['Theirs', 2],
      ['Mine', 1],
    ]);
  });

  it('writes all or nothing: one bad record and the shelf is unchanged', async () => {
    const db = await openShelf('lib-2');
    await savePaper(db, { id: '2505.00001', title: 'Mine', authors: ['Ada'], url: 'https://huggingface.co/papers', source: 'hf' }, 500);
    const before = await listPapers(db);
    const bad = { ...paper('2505.00003'), id: undefined } as unknown as Paper; // no key: the put fails
    await expect(importLibrary(db, [paper('2505.00002'), bad, paper('2505.00004')], [])).rejects.toThrow();
    expect(await listPapers(db)).toEqual(before);
  });

  it('many requests without listeners: the success of the last, or the first error when one fails', async () => {
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('lib-raw-requests', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('s', { keyPath: 'id' }).createIndex('u', 'u', { unique: true });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const run = (records: { id: number; u: number }[]) => {
      const tx = raw.transaction('s', 'readwrite');
      let last: IDBRequest | undefined;
      for (const r of records) last = tx.objectStore('s').put(r);
      const done = lastSucceeded(tx, last!);
      return { done, tx };
    };
    const ok = run([1, 2, 3].map((i) => ({ id: i, u: i })));
    await ok.done;
    // The second put breaks the unique index: the error thrown is that one, not the AbortError of the third.
    const bad = run([
      { id: 10, u: 10 },
      { id: 11, u: 1 },
      { id: 12, u: 12 },
    ]);
    await expect(bad.done).rejects.toMatchObject({ name: 'ConstraintError' });
    const count = await new Promise((resolve) => {
      const req = raw.transaction('s').objectStore('s').count();
      req.onsuccess = () => resolve(req.result);
    });
    expect(count).toBe(3);
    raw.close();
  });

  it('the papers are committed first and the search index follows; an index left unwritten is caught up at the next start', async () => {
    const db = await openShelf('lib-index-later');
    const r = await importLibrary(db, [paper('2505.00011', { title: 'Consistency models for speech' })], []);
    await r.indexed;
    expect(await new Searcher(async () => db).search('consistency')).toEqual(['2505.00011']);
    expect(await db.get('meta', 'reindex')).toBeUndefined();
    // A page closed between the two transactions: the papers are there, the index owes them.
    const tx = writeTx(db);
    const owed: (readonly [string, unknown, unknown])[] = [];
    await importInto(tx, [paper('2505.00012', { title: 'Orphaned diffusion paper' })], [], 2000, { deferIndex: owed as never });
    await tx.done;
    expect(owed).toHaveLength(1);
    expect(await new Searcher(async () => db).search('orphaned')).toEqual([]);
    expect((await db.get('meta', 'reindex'))?.ids).toEqual(['2505.00012']);
    expect(await catchUpIndex(db)).toBe(1);
    expect(await new Searcher(async () => db).search('orphaned')).toEqual(['2505.00012']);
    expect(await catchUpIndex(db)).toBe(0);
  });

  // 10,000 papers on fake-indexeddb: seconds on a loaded machine, past the default 5 s.
  it('imports 10,000 papers in one transaction', { timeout: 30_000 }, async () => {
    const db = await openShelf('lib-3');
    const many = Array.from({ length: 10000 }, (_, i) => paper(`2501.${String(i).padStart(5, '0')}`, { savedAt: i }));
    expect(await importLibrary(db, many, [])).toMatchObject({ added: 10000, updated: 0, unchanged: 0 });
    expect(await db.count('papers')).toBe(10000);
  });
});

describe('listPapers', () => {
  it('reads the whole list in slices, newest first, exactly as the savedAt index read backwards', async () => {
    const db = await openShelf('lib-list-slices');
    // 2,345 papers over several slices; savedAt ties across slice boundaries (ids not in savedAt order).
    const many = Array.from({ length: 2345 }, (_, i) => paper(`2502.${String((i * 7919) % 10000).padStart(5, '0')}`, { savedAt: Math.floor(i / 3) }));
    await importLibrary(db, many, []);
    const byIndex = (await db.getAllFromIndex('papers', 'savedAt')).reverse();
    const listed = await listPapers(db);
    expect(listed).toHaveLength(2345);
    expect(listed.map((p) => p.id)).toEqual(byIndex.map((p) => p.id));
  });
});

/**
 * The search index in IndexedDB (library/search.ts) follows every write: after
 * any sequence of library writes it equals the index built from scratch, and
 * queries answer from it (prefix, AND, field weights).
 */
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { DB_VERSION, openShelf, type Shelf } from '../../src/library/db';
import { removePapers, restorePapers, savePaper, setNote, tagPapers, untagPaper } from '../../src/library/papers';
import { deleteTag, mergeTags, renameTag } from '../../src/library/tags';
import { importLibrary } from '../../src/library/import-write';
import { readFull } from '../../src/library/write';
import { Searcher, termsOf } from '../../src/library/search';
import type { Paper, PaperRef } from '../../src/shared/model';

let n = 0;
const ref = (id: string, title: string, abstract?: string, authors = ['Ada Lovelace']): PaperRef => ({
  id,
  title,
  authors,
  ...(abstract ? { abstract } : {}),
  url: `https://arxiv.org/abs/${id}`,
  source: 'arxiv',
});

/** The index as stored: term → sorted [id, weight] pairs. */
async function stored(db: Shelf) {
  const out: Record<string, [string, number][]> = {};
  for (const r of await db.getAll('words')) out[r.t] = r.ids.split(' ').map((id, i) => [id, r.w[i] / 2] as [string, number]).sort();
  return out;
}

/** The index built from scratch out of the papers and abstracts. */
async function rebuilt(db: Shelf) {
  const out: Record<string, [string, number][]> = {};
  for (const p of await readFull(db)) for (const [t, w] of termsOf(p, p.abstract)) (out[t] ??= []).push([p.id, w]);
  for (const t of Object.keys(out)) out[t].sort();
  return out;
}

describe('search index', () => {
  it('follows saves, tags, notes, renames, merges, removals, undo and imports', async () => {
    const db = await openShelf(`search-${n++}`);
    await savePaper(db, ref('2501.00001', 'Diffusion models for video', 'We generate video with latent diffusion.'), 1);
    await savePaper(db, ref('2501.00002', 'Sparse mixture of experts', 'Routing tokens to experts.'), 2);
    await tagPapers(db, ['2501.00001'], 'generative', undefined, 3);
    await tagPapers(db, ['2501.00002'], 'moe', undefined, 4);
    await setNote(db, '2501.00002', 'read the routing section', 5);
    expect(await stored(db)).toEqual(await rebuilt(db));
    await renameTag(db, 'moe', 'Mixture', 6);
    await mergeTags(db, 'mixture', 'generative', 7);
    await untagPaper(db, '2501.00001', 'generative', 8);
    expect(await stored(db)).toEqual(await rebuilt(db));
    await deleteTag(db, 'generative', 9);
    const removed = await removePapers(db, ['2501.00001'], 10);
    expect(removed[0].abstract).toBe('We generate video with latent diffusion.');
    expect(await stored(db)).toEqual(await rebuilt(db));
    expect(Object.keys(await stored(db))).not.toContain('diffusion');
    await restorePapers(db, removed, 11);
    await importLibrary(db, [{ ...(removed[0] as Paper), abstract: 'A new abstract about consistency.', id: '2501.00003', tags: ['imported'] }], [], 12);
    // A re-save with a fuller abstract replaces the old terms.
    await savePaper(db, ref('2501.00002', 'Sparse mixture of experts', 'Load balancing of experts.'), 13);
    expect(await stored(db)).toEqual(await rebuilt(db));
    expect(Object.keys(await stored(db))).not.toContain('tokens'); // only in the replaced abstract
  });

  it('follows a bulk removal: many papers sharing terms, removed in one pass, each to the trash with its abstract', async () => {
    const db = await openShelf(`search-${n++}`);
    for (let i = 1; i <= 6; i++) await savePaper(db, ref(`2501.0000${i}`, `Diffusion paper ${i}`, i % 2 ? `Shared latent abstract ${i}.` : undefined), i);
    await tagPapers(db, ['2501.00001', '2501.00004'], 'generative', undefined, 7);
    const removed = await removePapers(db, ['2501.00001', '2501.00002', '2501.00003', '2501.00009'], 8);
    expect(removed.map((p) => [p.id, p.abstract])).toEqual([
      ['2501.00001', 'Shared latent abstract 1.'],
      ['2501.00002', undefined],
      ['2501.00003', 'Shared latent abstract 3.'],
    ]);
    expect(await stored(db)).toEqual(await rebuilt(db));
    expect(await new Searcher(async () => db).search('diffusion')).toEqual(['2501.00004', '2501.00005', '2501.00006']);
    expect((await db.getAllKeys('trash')).sort()).toEqual(['2501.00001', '2501.00002', '2501.00003']);
    expect((await db.getAllKeys('tombstones')).sort()).toEqual(['2501.00001', '2501.00002', '2501.00003']);
    expect(await db.getAllKeys('abstracts')).toEqual(['2501.00005']);
  });

  it('answers prefixes, ANDs terms, ranks titles over abstracts', async () => {
    const db = await openShelf(`search-${n++}`);
    await savePaper(db, ref('2501.00001', 'Diffusion models for video', 'Latent generation.'), 1);
    await savePaper(db, ref('2501.00002', 'Transformers for language', 'We use diffusion as a baseline.'), 2);
    await savePaper(db, ref('2501.00003', 'Robot grasping', 'Policies for manipulation.', ['Grace Hopper']), 3);
    const s = new Searcher(async () => db);
    expect(await s.search('diffusion')).toEqual(['2501.00001', '2501.00002']); // title (4) before abstract (0.5)
    expect(await s.search('diff')).toEqual(['2501.00001', '2501.00002']); // a prefix
    expect(await s.search('diffusion video')).toEqual(['2501.00001']); // AND
    expect(await s.search('hopper')).toEqual(['2501.00003']); // authors
    expect(await s.search('nothing-like-this')).toEqual([]);
    expect(await s.search('the of')).toBeNull(); // only stop words: no query
    // Typing on narrows what was read: still right after a write once invalidated.
    await tagPapers(db, ['2501.00003'], 'diffusion-adjacent', undefined, 4);
    s.invalidate();
    expect(await s.search('diffusion')).toEqual(['2501.00001', '2501.00003', '2501.00002']);
  });

  it('v3 → v4 moves abstracts to their store and builds the index', async () => {
    const name = `search-mig-${n++}`;
    const v3 = await openDB(name, 3, {
      upgrade(d) {
        const papers = d.createObjectStore('papers', { keyPath: 'id' });
        papers.createIndex('savedAt', 'savedAt');
        papers.createIndex('tags', 'tags', { multiEntry: true });
        papers.createIndex('status', 'status');
        d.createObjectStore('tags', { keyPath: 'key' });
        d.createObjectStore('tombstones', { keyPath: 'id' });
      },
    });
    const papers = Array.from({ length: 300 }, (_, i) => ({
      ...ref(`2501.${String(i).padStart(5, '0')}`, `Paper number ${i} on ${i % 2 ? 'graphs' : 'vision'}`, i % 3 ? `Abstract ${i} about kernels` : undefined),
      savedAt: i,
      updatedAt: i,
      tags: i % 5 ? [] : ['five'],
      status: 'to-read',
      note: i === 7 ? 'special note' : '',
    }));
    for (const p of papers) await v3.put('papers', p);
    v3.close();
    const db = await openShelf(name);
    expect(db.version).toBe(DB_VERSION);
    expect((await db.getAll('papers')).some((p) => 'abstract' in p)).toBe(false);
    expect(await db.count('abstracts')).toBe(200);
    const full = new Map((await readFull(db)).map((p) => [p.id, p]));
    for (const p of papers) expect(full.get(p.id)).toEqual(p);
    expect(await stored(db)).toEqual(await rebuilt(db));
    const s = new Searcher(async () => db);
    expect((await s.search('kernels graphs'))!.length).toBe(100);
    expect(await s.search('special')).toEqual(['2501.00007']);
  });
});

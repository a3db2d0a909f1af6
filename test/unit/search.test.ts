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
import { allAbstracts, pageOf } from '../../src/library/abstracts';
import { Searcher, termsOf, type WordRecord, type WordSource } from '../../src/library/search';
import { tokenize } from '../../src/rank/features';
import { rng } from './rng';
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
  for (const r of await db.getAll('words'))
    out[r.t] = r.ids
      .split(' ')
      .map((id, i) => [id, r.w[i] / 2] as [string, number])
      .sort();
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
    expect([...(await allAbstracts(db)).keys()]).toEqual(['2501.00005']);
    expect(await db.count('abstracts')).toBe(1); // the pages the removed abstracts left empty are gone
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

  it('leaves out a last word of one or two letters no paper has while it is typed, and keeps a whole two-letter word', async () => {
    const db = await openShelf(`search-${n++}`);
    await savePaper(db, ref('2501.00001', 'Diffusion models for video', 'Latent generation.'), 1);
    await savePaper(db, ref('2501.00002', 'Diffusion in 3D scenes', 'Point clouds.'), 2);
    await savePaper(db, ref('2501.00003', 'Robot grasping', 'Policies for manipulation.'), 3);
    const s = new Searcher(async () => db);
    // Being typed: the list keeps the answer to what came before it, instead of emptying.
    expect(await s.search('diffusion mo')).toEqual(['2501.00001', '2501.00002']);
    expect(await s.search('mo')).toBeNull();
    expect(await s.search('diffusion mod')).toEqual(['2501.00001']); // three letters: a prefix
    // A whole two-letter word narrows, typed last or not.
    expect(await s.search('diffusion 3d')).toEqual(['2501.00002']);
    // Finished (a space after it) or followed by another word, a two-letter word no paper has matches nothing.
    expect(await s.search('diffusion mo ')).toEqual([]);
    expect(await s.search('mo diffusion')).toEqual([]);
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
    expect((await allAbstracts(db)).size).toBe(200);
    expect(await db.count('abstracts')).toBe(new Set(papers.filter((p) => p.abstract).map((p) => pageOf(p.id))).size);
    const full = new Map((await readFull(db)).map((p) => [p.id, p]));
    for (const p of papers) expect(full.get(p.id)).toEqual(p);
    expect(await stored(db)).toEqual(await rebuilt(db));
    const s = new Searcher(async () => db);
    expect((await s.search('kernels graphs'))!.length).toBe(100);
    expect(await s.search('special')).toEqual(['2501.00007']);
  });

  it('numbered merge: the same ids in the same order as the map merge it replaced, at 10,000-id postings', async () => {
    // An index as stored, without IndexedDB: terms sharing prefixes, postings of up to every paper,
    // weights with many ties (field boosts are few), ids in no particular order.
    const r = rng(20);
    const ids = r.shuffle(Array.from({ length: 10_000 }, (_, i) => `24${String(1 + (i % 12)).padStart(2, '0')}.${String(i).padStart(5, '0')}`));
    const stems = ['tra', 'trans', 'transformer', 'training', 'trained', 'tractable', 'diff', 'diffusion', 'model', 'models', 'mod', 'expert', 'experts'];
    const records: WordRecord[] = [];
    for (const [k, t] of [...stems, ...Array.from({ length: 300 }, (_, i) => `tra${i}x`)].entries()) {
      // The stems' postings in an order of their own; the 300 small terms a run of ids from a random place.
      const mine = k < stems.length ? r.shuffle(ids).slice(0, r.int(1, ids.length)) : ids.slice(r.int(0, 9_000)).slice(0, r.int(1, 60));
      records.push({ t, ids: mine.join(' '), w: Uint8Array.from(mine, () => r.pick([1, 3, 4, 8, 9, 12])) });
    }
    records.sort((a, b) => (a.t < b.t ? -1 : 1));
    let reads = 0;
    const source: WordSource = {
      getAll: async (_store, range, count) => (reads++, records.filter((x) => range.includes(x.t)).slice(0, count)),
      get: async (_store, key) => (reads++, records.find((x) => x.t === key)),
    };
    /** The merge as it was (strings in maps), over the same reads. */
    const byMaps = (query: string) => {
      const tokens = [...new Set(tokenize(query))];
      // A last word of one or two letters being typed that no record has as a term is left out (Searcher.search).
      const last = tokens[tokens.length - 1];
      if (last && last.length < 3 && !records.some((x) => x.t === last) && query.trimEnd() === query) tokens.pop();
      if (!tokens.length) return null;
      let scores: Map<string, number> | null = null;
      for (const tok of tokens) {
        const matched = tok.length >= 3 ? records.filter((x) => x.t.startsWith(tok)).slice(0, 400) : records.filter((x) => x.t === tok);
        const mine = new Map<string, number>();
        for (const rec of matched) {
          const list = rec.ids.split(' ');
          for (let i = 0; i < list.length; i++) {
            if (scores && !scores.has(list[i])) continue;
            if ((mine.get(list[i]) ?? 0) < rec.w[i]) mine.set(list[i], rec.w[i]);
          }
        }
        if (scores) for (const [id, w] of mine) mine.set(id, w + scores.get(id)!);
        scores = mine;
        if (!scores.size) break;
      }
      return [...scores!].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    };
    const s = new Searcher(async () => source);
    // As typed, letter by letter (the cache narrows), then whole queries on a fresh searcher.
    for (const q of [
      't',
      'tr',
      'tra',
      'tran',
      'trans',
      'transf',
      'transformer',
      'transformer d',
      'transformer diff',
      'transformer diffusion mod',
      'tra0x',
      'tra12x experts',
    ]) {
      const got = await s.search(q);
      expect(got).toEqual(byMaps(q));
    }
    expect((await s.search('tra'))!.length).toBeGreaterThan(5_000); // the case this is for: a short prefix over most papers
    const fresh = new Searcher(async () => source);
    for (const q of ['experts model', 'diffusion tra', 'zzz', 'mod mod models']) expect(await fresh.search(q)).toEqual(byMaps(q));
    expect(reads).toBeGreaterThan(0);
  }, 30_000); // big postings, not a timing: a loaded machine must not fail it
});

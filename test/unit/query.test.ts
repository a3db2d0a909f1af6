import { describe, expect, it } from 'vitest';
import { applyView, DEFAULT_VIEW, nextStatus, type Hits } from '../../src/shared/query';
import { openShelf } from '../../src/library/db';
import { importLibrary } from '../../src/library/import-write';
import { removePapers, setNote } from '../../src/library/papers';
import { Searcher } from '../../src/library/search';
import type { Paper } from '../../src/shared/model';

const paper = (id: string, over: Partial<Paper> = {}): Paper => ({
  id,
  title: `Paper ${id}`,
  authors: ['Ada Lovelace'],
  url: 'https://huggingface.co/papers',
  source: 'hf',
  savedAt: Number(id.slice(-2)),
  updatedAt: 0,
  tags: [],
  status: 'to-read',
  note: '',
  ...over,
});

const papers = [
  paper('2505.00004', { title: 'Sparse attention kernels', abstract: 'We study diffusion models at scale.', upvotes: 3, published: '2025-01-01' }),
  paper('2505.00003', { title: 'Diffusion transformers for video', tags: ['vision'], upvotes: 10, published: '2024-01-01' }),
  paper('2505.00002', { title: 'A survey of retrieval', authors: ['Grace Hopper'], tags: ['llm', 'vision'], status: 'read' }),
  paper('2505.00001', { title: 'Zero-shot reasoning', note: 'Compare with the diffusion baseline', tags: ['llm'] }),
];

/** The library's own index (IndexedDB), filled with the papers above through the library's write. */
let n = 0;
async function indexed() {
  const db = await openShelf(`query-${n++}`);
  await importLibrary(db, papers, []);
  const searcher = new Searcher(async () => db);
  return { db, search: async (query: string): Promise<Hits> => ({ query, ids: await searcher.search(query) }), searcher };
}

describe('search', () => {
  it('ranks a title match above a note match above an abstract-only match', async () => {
    const { search } = await indexed();
    const ids = applyView(papers, { ...DEFAULT_VIEW, query: 'diffusion', sort: 'relevance' }, await search('diffusion')).map((p) => p.id);
    expect(ids).toEqual(['2505.00003', '2505.00001', '2505.00004']);
  });
  it('finds by author, by tag, and by prefix as you type', async () => {
    const { search } = await indexed();
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'hopper' }, await search('hopper')).map((p) => p.id)).toEqual(['2505.00002']);
    expect(
      applyView(papers, { ...DEFAULT_VIEW, query: 'vis' }, await search('vis'))
        .map((p) => p.id)
        .sort(),
    ).toEqual(['2505.00002', '2505.00003']);
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'retr' }, await search('retr')).map((p) => p.id)).toEqual(['2505.00002']);
  });
  it('follows writes: a note changed, a paper removed', async () => {
    const { db, search, searcher } = await indexed();
    await setNote(db, '2505.00001', 'nothing here');
    searcher.invalidate();
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'baseline' }, await search('baseline'))).toEqual([]);
    await removePapers(db, ['2505.00003']);
    searcher.invalidate();
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'video' }, await search('video'))).toEqual([]);
  });
  it('a query of stop words only filters nothing', async () => {
    const { search } = await indexed();
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'the of' }, await search('the of'))).toHaveLength(4);
  });
});

describe('filters and sort', () => {
  it('filters by several tags (AND) and by status', () => {
    expect(applyView(papers, { ...DEFAULT_VIEW, tags: ['llm'] }, null).map((p) => p.id)).toEqual(['2505.00002', '2505.00001']);
    expect(applyView(papers, { ...DEFAULT_VIEW, tags: ['llm', 'vision'] }, null).map((p) => p.id)).toEqual(['2505.00002']);
    expect(applyView(papers, { ...DEFAULT_VIEW, status: 'read' }, null).map((p) => p.id)).toEqual(['2505.00002']);
    expect(applyView(papers, { ...DEFAULT_VIEW, status: 'reading' }, null)).toEqual([]);
  });
  it('sorts by saved date, published date, title, upvotes', () => {
    const ids = (sort: any) => applyView(papers, { ...DEFAULT_VIEW, sort }, null).map((p) => p.id);
    expect(ids('saved')).toEqual(['2505.00004', '2505.00003', '2505.00002', '2505.00001']);
    expect(ids('published').slice(0, 2)).toEqual(['2505.00004', '2505.00003']);
    expect(ids('title')).toEqual(['2505.00002', '2505.00003', '2505.00004', '2505.00001']);
    expect(ids('upvotes').slice(0, 2)).toEqual(['2505.00003', '2505.00004']);
  });
  it('cycles reading status', () => {
    expect(nextStatus('to-read')).toBe('reading');
    expect(nextStatus('reading')).toBe('read');
    expect(nextStatus('read')).toBe('to-read');
  });
});

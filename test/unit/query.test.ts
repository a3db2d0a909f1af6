import { describe, expect, it } from 'vitest';
import { applyView, DEFAULT_VIEW, nextStatus, PaperIndex } from '../../src/popup/query';
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

const names: Record<string, string> = { llm: 'LLM', vision: 'Vision' };
const tagName = (k: string) => names[k] ?? k;

const papers = [
  paper('2505.00004', { title: 'Sparse attention kernels', abstract: 'We study diffusion models at scale.', upvotes: 3, published: '2025-01-01' }),
  paper('2505.00003', { title: 'Diffusion transformers for video', tags: ['vision'], upvotes: 10, published: '2024-01-01' }),
  paper('2505.00002', { title: 'A survey of retrieval', authors: ['Grace Hopper'], tags: ['llm', 'vision'], status: 'read' }),
  paper('2505.00001', { title: 'Zero-shot reasoning', note: 'Compare with the diffusion baseline', tags: ['llm'] }),
];

function indexed() {
  const idx = new PaperIndex(tagName);
  papers.forEach((p) => idx.put(p));
  return idx;
}

describe('search', () => {
  it('ranks a title match above a note match above an abstract-only match', () => {
    const ids = applyView(papers, { ...DEFAULT_VIEW, query: 'diffusion', sort: 'relevance' }, indexed(), tagName).map((p) => p.id);
    expect(ids).toEqual(['2505.00003', '2505.00001', '2505.00004']);
  });
  it('finds by author, by tag name, and by prefix as you type', () => {
    const idx = indexed();
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'hopper' }, idx, tagName).map((p) => p.id)).toEqual(['2505.00002']);
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'vis' }, idx, tagName).map((p) => p.id).sort()).toEqual(['2505.00002', '2505.00003']);
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'retr' }, idx, tagName).map((p) => p.id)).toEqual(['2505.00002']);
  });
  it('keeps the index up to date one paper at a time', () => {
    const idx = indexed();
    idx.put({ ...papers[3], note: 'nothing here' });
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'baseline' }, idx, tagName)).toEqual([]);
    idx.remove('2505.00003');
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'video' }, idx, tagName)).toEqual([]);
  });
  it('falls back to a plain match while the index is not built', () => {
    expect(applyView(papers, { ...DEFAULT_VIEW, query: 'survey' }, null, tagName).map((p) => p.id)).toEqual(['2505.00002']);
  });
});

describe('filters and sort', () => {
  it('filters by several tags (AND) and by status', () => {
    expect(applyView(papers, { ...DEFAULT_VIEW, tags: ['llm'] }, null, tagName).map((p) => p.id)).toEqual(['2505.00002', '2505.00001']);
    expect(applyView(papers, { ...DEFAULT_VIEW, tags: ['llm', 'vision'] }, null, tagName).map((p) => p.id)).toEqual(['2505.00002']);
    expect(applyView(papers, { ...DEFAULT_VIEW, status: 'read' }, null, tagName).map((p) => p.id)).toEqual(['2505.00002']);
    expect(applyView(papers, { ...DEFAULT_VIEW, status: 'reading' }, null, tagName)).toEqual([]);
  });
  it('sorts by saved date, published date, title, upvotes', () => {
    const ids = (sort: any) => applyView(papers, { ...DEFAULT_VIEW, sort }, null, tagName).map((p) => p.id);
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

import { describe, expect, it } from 'vitest';
import { arxivIdFromUrl, mergeRef, parseArxivId, type PaperRef } from '../../src/shared/model';

describe('parseArxivId', () => {
  it.each([
    ['2205.12345', { id: '2205.12345' }],
    ['2205.12345v2', { id: '2205.12345', version: 'v2' }],
    ['0704.0001', { id: '0704.0001' }],
    ['arXiv:2505.16421v10', { id: '2505.16421', version: 'v10' }],
    ['hep-th/9901001', { id: 'hep-th/9901001' }],
    ['math.GT/0309136v2', { id: 'math.GT/0309136', version: 'v2' }],
    ['cond-mat/0102536', { id: 'cond-mat/0102536' }],
  ])('%s', (text, want) => expect(parseArxivId(text)).toEqual(want));

  it.each(['', '2205.123', '2205.123456', 'HEP-TH/9901001', 'math.gt/0309136', 'hep-th/990100', '2205.12345v', 'trending', 'date/2025-05-20'])(
    'rejects %s',
    (text) => expect(parseArxivId(text)).toBeNull(),
  );
});

describe('arxivIdFromUrl', () => {
  it.each([
    ['https://arxiv.org/abs/2205.12345v3', { id: '2205.12345', version: 'v3' }],
    ['https://arxiv.org/pdf/2205.12345', { id: '2205.12345' }],
    ['https://arxiv.org/pdf/2205.12345v1.pdf', { id: '2205.12345', version: 'v1' }],
    ['https://arxiv.org/html/2205.12345v2', { id: '2205.12345', version: 'v2' }],
    ['/abs/hep-th/9901001', { id: 'hep-th/9901001' }],
    ['https://arxiv.org/abs/math.GT/0309136v2', { id: 'math.GT/0309136', version: 'v2' }],
    ['https://arxiv.org/pdf/math.GT/0309136v2.pdf', { id: 'math.GT/0309136', version: 'v2' }],
    ['https://huggingface.co/papers/2505.16421', { id: '2505.16421' }],
    ['/papers/2505.16421?foo=1', { id: '2505.16421' }],
    ['https://www.arxiv.org/abs/2401.00001', { id: '2401.00001' }],
  ])('%s', (href, want) => expect(arxivIdFromUrl(href)).toEqual(want));

  it.each([
    'https://huggingface.co/papers/trending',
    'https://huggingface.co/papers/date/2025-05-20',
    'https://huggingface.co/papers/week/2025-W21',
    'https://huggingface.co/papers',
    'https://huggingface.co/abs/2205.12345',
    'https://example.com/abs/2205.12345',
    'https://arxiv.org/list/cs.LG/new',
    'javascript:alert(1)',
    'http://[bad',
  ])('rejects %s', (href) => expect(arxivIdFromUrl(href)).toBeNull());
});

describe('mergeRef', () => {
  const full: PaperRef = { id: '2505.16421', title: 'T', authors: ['A', 'B'], abstract: 'Long abstract', url: 'https://a', source: 'arxiv' };
  it('keeps what the new ref lacks and takes what it has', () => {
    const compact: PaperRef = { id: '2505.16421', title: 'T2', authors: [], url: 'https://b', source: 'hf', upvotes: 5 };
    expect(mergeRef(full, compact)).toEqual({ ...full, title: 'T2', url: 'https://b', source: 'hf', upvotes: 5 });
  });
});

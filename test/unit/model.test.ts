import { describe, expect, it } from 'vitest';
import { arxivIdFromUrl, mergeRef, parseArxivId, type PaperRef } from '../../src/shared/model';

describe('parseArxivId', () => {
  it.each([
    ['2205.12345', { id: '2205.12345' }],
    ['2205.12345v2', { id: '2205.12345', version: 'v2' }],
    ['0704.0001', { id: '0704.0001' }],
    ['arXiv:2505.16421v10', { id: '2505.16421', version: 'v10' }],
    ['hep-th/9901001', { id: 'hep-th/9901001' }],
    ['math.GT/0309136v2', { id: 'math/0309136', version: 'v2' }],
    ['math/0309136v2', { id: 'math/0309136', version: 'v2' }],
    ['cond-mat/0102536', { id: 'cond-mat/0102536' }],
    ['cond-mat.str-el/0601123', { id: 'cond-mat/0601123' }],
    ['cond-mat.str-el/0601123v3', { id: 'cond-mat/0601123', version: 'v3' }],
    ['physics.acc-ph/0101001', { id: 'physics/0101001' }],
    ['math-ph/0102003', { id: 'math-ph/0102003' }],
    ['q-bio.NC/0401001', { id: 'q-bio/0401001' }],
    ['arXiv:q-bio.NC/0401001v4', { id: 'q-bio/0401001', version: 'v4' }],
  ])('%s', (text, want) => expect(parseArxivId(text)).toEqual(want));

  it('gives one id to an old-style paper with or without its subject class (issue 18)', () => {
    // arXiv's canonical id has no subject class: /abs/math.GT/0309136 shows citation_arxiv_id "math/0309136".
    for (const [a, b] of [
      ['math.GT/0309136', 'math/0309136'],
      ['math.GT/0309136v2', 'math/0309136v1'],
      ['cond-mat.str-el/0601123', 'cond-mat/0601123v3'],
      ['physics.acc-ph/0101001', 'physics/0101001'],
    ]) {
      expect(parseArxivId(a)!.id).toBe(parseArxivId(b)!.id);
      expect(parseArxivId(a)!.id).not.toContain('.');
    }
    // New-style ids keep their dot; the version stays apart, as it was written.
    expect(parseArxivId('2205.12345v3')).toEqual({ id: '2205.12345', version: 'v3' });
    expect(parseArxivId('math.GT/0309136v12')).toEqual({ id: 'math/0309136', version: 'v12' });
  });

  it.each([
    '',
    '2205.123',
    '2205.123456',
    'HEP-TH/9901001',
    'math.gt/0309136',
    'hep-th/990100',
    'cond-mat.STR-EL/0601123',
    'math.str-el/0601123',
    'hep-th.str-el/9901001',
    'cond-mat.str-el/060112',
    '2205.12345v',
    'trending',
    'date/2025-05-20',
  ])('rejects %s', (text) => expect(parseArxivId(text)).toBeNull());
});

describe('arxivIdFromUrl', () => {
  it.each([
    ['https://arxiv.org/abs/2205.12345v3', { id: '2205.12345', version: 'v3' }],
    ['https://arxiv.org/pdf/2205.12345', { id: '2205.12345' }],
    ['https://arxiv.org/pdf/2205.12345v1.pdf', { id: '2205.12345', version: 'v1' }],
    ['https://arxiv.org/html/2205.12345v2', { id: '2205.12345', version: 'v2' }],
    ['/abs/hep-th/9901001', { id: 'hep-th/9901001' }],
    ['https://arxiv.org/abs/math.GT/0309136v2', { id: 'math/0309136', version: 'v2' }],
    ['https://arxiv.org/pdf/math.GT/0309136v2.pdf', { id: 'math/0309136', version: 'v2' }],
    ['https://arxiv.org/abs/math/0309136', { id: 'math/0309136' }],
    ['/abs/cond-mat.str-el/0601123', { id: 'cond-mat/0601123' }],
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

  it('returns null for a malformed %-escape instead of throwing', () => {
    expect(arxivIdFromUrl('/abs/%E0%A4%A')).toBeNull();
  });

  // The plain forms skip `new URL` (too slow per card); every form must read as URL would read it.
  const viaUrl = (href: string, base: string) => {
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      return null;
    }
    const host = url.hostname.replace(/^www\./, '');
    if (host !== 'arxiv.org' && host !== 'export.arxiv.org' && host !== 'huggingface.co') return null;
    const m = /^\/(?:abs|pdf|html|papers|format)\/(.+?)(?:\.pdf)?\/?$/.exec(decodeURIComponent(url.pathname));
    if (!m || (host === 'huggingface.co' && !url.pathname.startsWith('/papers/'))) return null;
    return parseArxivId(m[1]);
  };
  it.each([
    ['/abs/2205.12345', 'https://arxiv.org/'],
    ['/abs/2205.12345v2/', 'https://arxiv.org/'],
    ['/abs/./2205.12345', 'https://arxiv.org/'],
    ['/abs/x/../2205.12345', 'https://arxiv.org/'],
    ['//arxiv.org/abs/2205.12345', 'https://huggingface.co/'],
    ['//example.com/abs/2205.12345', 'https://arxiv.org/'],
    ['/abs//2205.12345', 'https://arxiv.org/'],
    ['/abs/hep-th/9901001?context=hep-th#x', 'https://arxiv.org/'],
    ['/abs/math.GT%2F0309136', 'https://arxiv.org/'],
    ['/papers/2505.16421#community', 'https://huggingface.co/'],
    ['/papers/2505.16421', 'https://arxiv.org/'],
    ['/abs/2505.16421', 'https://huggingface.co/'],
    ['https://huggingface.co/%70apers/2505.16421', 'https://arxiv.org/'],
    ['https://HuggingFace.co/papers/2505.16421', 'https://arxiv.org/'],
    ['https://www.huggingface.co/papers/2505.16421', 'https://arxiv.org/'],
    ['http://export.arxiv.org/abs/2205.12345', 'https://arxiv.org/'],
    ['https://arxiv.org:443/abs/2205.12345', 'https://huggingface.co/'],
    ['https://arxiv.org.evil.com/abs/2205.12345', 'https://arxiv.org/'],
    ['https://user@arxiv.org/abs/2205.12345', 'https://arxiv.org/'],
    ['  /abs/2205.12345\n', 'https://arxiv.org/'],
    ['/abs/2205.12345\\', 'https://arxiv.org/'],
    ['abs/2205.12345', 'https://arxiv.org/list/cs.LG/'],
    ['/pdf/2205.12345v1.pdf', 'https://arxiv.org/'],
    ['/html/2205.12345v1', 'https://arxiv.org/'],
    ['/list/cs.LG/new', 'https://arxiv.org/'],
    ['/papers/trending', 'https://huggingface.co/'],
  ])('%s against %s reads as URL would', (href, base) => expect(arxivIdFromUrl(href, base)).toEqual(viaUrl(href, base)));
});

describe('mergeRef', () => {
  const full: PaperRef = { id: '2505.16421', title: 'T', authors: ['A', 'B'], abstract: 'Long abstract', url: 'https://a', source: 'arxiv' };
  it('keeps what the new ref lacks and takes what it has', () => {
    const compact: PaperRef = { id: '2505.16421', title: 'T2', authors: [], url: 'https://b', source: 'hf', upvotes: 5 };
    expect(mergeRef(full, compact)).toEqual({ ...full, title: 'T2', url: 'https://b', source: 'hf', upvotes: 5 });
  });
});

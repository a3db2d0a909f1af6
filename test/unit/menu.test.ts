import { describe, expect, it } from 'vitest';
import { refFromLink } from '../../src/background/menu';

describe('context menu: save a paper from a link', () => {
  it('takes the id from arXiv and Hugging Face links, old style included', () => {
    expect(refFromLink({ linkUrl: 'https://arxiv.org/pdf/2505.16421v2', pageUrl: 'https://blog.example/post' })).toEqual({
      id: '2505.16421',
      version: 'v2',
      title: 'arXiv:2505.16421',
      authors: [],
      url: 'https://blog.example/post',
      source: 'arxiv',
    });
    expect(refFromLink({ linkUrl: 'https://arxiv.org/abs/hep-th/9901001' })?.id).toBe('hep-th/9901001');
    expect(refFromLink({ linkUrl: 'https://huggingface.co/papers/2505.16421' })?.source).toBe('hf');
  });
  it('uses the link text as the title when it is one (Firefox gives it)', () => {
    expect(refFromLink({ linkUrl: 'https://arxiv.org/abs/2505.16421', linkText: '  Bottlenecked   Transformers ' })?.title).toBe('Bottlenecked Transformers');
    expect(refFromLink({ linkUrl: 'https://arxiv.org/abs/2505.16421', linkText: 'arXiv:2505.16421' })?.title).toBe('arXiv:2505.16421');
    expect(refFromLink({ linkUrl: 'https://arxiv.org/abs/2505.16421', linkText: 'pdf' })?.title).toBe('arXiv:2505.16421');
  });
  it('ignores links that are not to a paper, and pages that are not web pages', () => {
    expect(refFromLink({ linkUrl: 'https://arxiv.org/list/cs.LG/new' })).toBeNull();
    expect(refFromLink({ linkUrl: 'https://huggingface.co/papers/trending' })).toBeNull();
    expect(refFromLink({})).toBeNull();
    expect(refFromLink({ linkUrl: 'https://arxiv.org/abs/2505.16421', pageUrl: 'file:///home/me/x.html' })?.url).toBe('https://arxiv.org/abs/2505.16421');
  });
});

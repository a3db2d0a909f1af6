// @vitest-environment happy-dom
/**
 * What is particular to the arXiv adapters and the Hugging Face paper page:
 * the dt + dd card, repeated dl#articles, sections, old-style ids, MathJax,
 * and pages that hold one paper among links to others.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../src/content/sites';
import { arxivAbs } from '../../src/content/sites/arxiv-abs';
import { arxivList, listContext } from '../../src/content/sites/arxiv-list';
import { sourceText } from '../../src/content/sites/arxiv-text';
import { arxivSearch } from '../../src/content/sites/arxiv-search';
import { hfPaper } from '../../src/content/sites/hf-paper';
import { PaperRefSchema } from '../../src/shared/messages';
import { expected, load } from './fixtures';

const LISTS = ['arxiv/list-new.html', 'arxiv/list-recent.html', 'arxiv/list-month.html', 'arxiv/list-pastweek.html'];

describe('arxiv-list', () => {
  it('matches every listing URL and nothing else on arXiv', () => {
    for (const f of LISTS) expect(adapterFor(expected[f].url)).toBe(arxivList);
    for (const url of [
      'https://arxiv.org/list/hep-th/0901',
      'https://arxiv.org/list/math/2024',
      'https://arxiv.org/list/cs/new?skip=0&show=2000',
      'https://arxiv.org/list/cond-mat.str-el/pastweek',
    ])
      expect(arxivList.match(new URL(url)), url).toBe(true);
    for (const url of [
      'https://arxiv.org/list/',
      'https://arxiv.org/abs/2505.16421',
      'https://arxiv.org/list/cs.LG/new/extra',
      'https://huggingface.co/list/cs.LG/new',
    ])
      expect(arxivList.match(new URL(url)), url).toBe(false);
  });

  it('finds the cards of every repeated dl#articles on /new, once each', () => {
    const doc = load('arxiv/list-new.html');
    const dls = doc.querySelectorAll('dl#articles');
    expect(dls).toHaveLength(3);
    const cards = arxivList.findCards(doc);
    expect(cards).toHaveLength(10);
    expect(new Set(cards).size).toBe(10);
    // Each section's dl on its own gives its own cards (a root the observer might hand over).
    expect(Array.from(dls, (dl) => arxivList.findCards(dl).length)).toEqual([5, 3, 2]);
    expect(cards.every((c) => c.tagName === 'DT')).toBe(true);
  });

  it('finds the new, cross-list and replaced sections, and tells them apart', () => {
    const e = expected['arxiv/list-new.html'];
    const doc = load('arxiv/list-new.html');
    const got = arxivList.findCards(doc).map((dt) => ({ id: arxivList.cardId(dt)?.id, section: listContext(dt).section }));
    expect(got).toEqual(e.cards.map((c) => ({ id: c.id, section: c.section })));
    expect(got.filter((c) => c.section === 'cross')).toHaveLength(3);
    expect(got.filter((c) => c.section === 'replaced')).toHaveLength(2);
    expect(listContext(arxivList.findCards(doc)[0]).subject).toBe('Machine Learning (cs.LG)');
  });

  it('reads the replaced card at the version its abstract link names, and no version from /html/…v1 links', () => {
    const doc = load('arxiv/list-new.html');
    const refs = arxivList.findCards(doc).map((c) => arxivList.readCard(c, doc)!);
    expect(refs.find((r) => r.id === '2509.17021')?.version).toBe('v3');
    expect(refs.filter((r) => r.version)).toHaveLength(1);
  });

  it('reads old-style ids in the older layout (span.list-identifier, dl without id)', () => {
    const doc = load('arxiv/list-pastweek.html');
    expect(doc.querySelector('dl#articles')).toBeNull();
    expect(doc.querySelectorAll('dt > span.list-identifier > a[title="Abstract"]')).toHaveLength(5);
    const refs = arxivList.findCards(doc).map((c) => arxivList.readCard(c, doc)!);
    expect(refs.map((r) => [r.id, r.version])).toEqual([
      ['hep-th/9901001', undefined],
      ['hep-th/9812205', undefined],
      // Listed with their subject class (math.GT/0309136v2); read as arXiv's canonical id.
      ['math/0309136', 'v2'],
      ['cond-mat/0601123', undefined],
      ['math-ph/0102003', undefined],
    ]);
    // The "Authors:" descriptor and the commas are not names.
    expect(refs[3].authors).toEqual(['Nadia Haddad', "Liam O'Connor", 'Jae-won Park']);
  });

  it('reads the abstract on /new, none on /recent', () => {
    const nd = load('arxiv/list-new.html');
    const first = arxivList.readCard(arxivList.findCards(nd)[0], nd)!;
    expect(first.abstract).toMatch(/^Attention, as a core layer/);
    expect(first.source).toBe('arxiv');
    const rd = load('arxiv/list-recent.html');
    expect(arxivList.readCard(arxivList.findCards(rd)[0], rd)!.abstract).toBeUndefined();
  });

  it.each(LISTS)('%s: mounts at the end of the dt, beside its links, never in a link or a .mathjax node', (file) => {
    const doc = load(file);
    for (const dt of arxivList.findCards(doc)) {
      // `beside`: floated on the identifier line, so a host going in moves nothing (lazy.e2e.ts).
      expect(arxivList.mountPoint(dt)).toEqual({ parent: dt, before: null, beside: true });
      // MathJax rewrites only inside .mathjax nodes (docs/sites.md); a link would take the clicks.
      expect(dt.closest('.mathjax, a')).toBeNull();
    }
  });

  it.each(LISTS)('%s: cardOf maps every node of a dd back to its dt', (file) => {
    const doc = load(file);
    for (const dt of arxivList.findCards(doc)) {
      const dd = dt.nextElementSibling!;
      expect(dd.tagName).toBe('DD');
      for (const el of [dd, ...Array.from(dd.querySelectorAll('*'))]) expect(arxivList.cardOf(el)).toBe(dt);
    }
    // Neither the list, its section heading nor the page heading is a card.
    for (const el of Array.from(doc.querySelectorAll('dl, dl > h3, #dlpage > h1, #dlpage > h3'))) expect(arxivList.cardOf(el)).toBeNull();
  });

  it('reads the TeX of a title that MathJax 2 has typeset, not the rendering', () => {
    const doc = load('arxiv/list-pastweek.html');
    const dt = arxivList.findCards(doc)[0];
    const title = dt.nextElementSibling!.querySelector('.list-title')!;
    // What MathJax 2.7 leaves in place of "$\mathcal{N}=4$": preview, rendered frame, and the TeX in a script.
    title.innerHTML =
      '<span class="descriptor">Title:</span> Flows in <span class="MathJax_Preview" style="color: inherit;"></span>' +
      '<span class="MathJax" id="MathJax-Element-1-Frame" tabindex="0"><nobr><span class="math">N=4</span></nobr></span>' +
      '<script type="math/tex" id="MathJax-Element-1">\\mathcal{N}=4</script> Super Yang-Mills';
    expect(arxivList.readCard(dt, doc)!.title).toBe('Flows in $\\mathcal{N}=4$ Super Yang-Mills');
    expect(sourceText(title)).toBe('Flows in $\\mathcal{N}=4$ Super Yang-Mills');
  });
});

describe('arxiv-search', () => {
  it('gives nothing to the pager that shares the results list class', () => {
    const doc = load('arxiv/search.html');
    const nav = doc.querySelector('nav.pagination.breathe-horizontal')!;
    expect(arxivSearch.findCards(nav)).toEqual([]);
    expect(arxivSearch.cardOf(nav.querySelector('a')!)).toBeNull();
  });
  it('reads the full abstract without its toggle, the title without search-hit markup', () => {
    const doc = load('arxiv/search.html');
    const ref = arxivSearch.readCard(arxivSearch.findCards(doc)[0], doc)!;
    expect(ref.title).toBe('MetaState: Persistent Working Memory Enhances Reasoning in Discrete Diffusion Language Models');
    expect(ref.abstract).toMatch(/^Discrete diffusion language models .* across all evaluations\.$/);
    expect(ref.abstract).not.toMatch(/Less|More|…/);
    expect(ref.version).toBeUndefined();
  });
});

describe('one-paper pages', () => {
  it('arXiv abstract page: exactly one card, the paper; sidebar, history and ?context= links get none', () => {
    const e = expected['arxiv/abs.html'];
    const doc = load('arxiv/abs.html');
    expect(adapterFor(e.url)).toBe(arxivAbs);
    const cards = arxivAbs.findCards(doc);
    expect(cards).toHaveLength(1);
    expect(arxivAbs.cardId(cards[0])?.id).toBe('2505.16421');
    const others = Array.from(doc.querySelectorAll('.extra-services a, .submission-history a, header a'));
    expect(others.some((a) => /\/abs\/\d/.test(a.getAttribute('href') ?? ''))).toBe(true);
    for (const a of others) {
      expect(arxivAbs.cardOf(a)).toBeNull();
      expect(arxivAbs.findCards(a.parentElement!)).toEqual([]);
    }
    // Controls after the title, not inside it (h1.title is a .mathjax node).
    const { parent, before } = arxivAbs.mountPoint(cards[0]);
    const h1 = doc.querySelector('h1.title')!;
    expect(parent).toBe(h1.parentElement);
    expect(before).toBe(h1.nextSibling);
  });

  it('arXiv abstract page: metadata from the citation_* metas', () => {
    const doc = load('arxiv/abs.html');
    const ref = arxivAbs.readCard(arxivAbs.findCards(doc)[0], doc)!;
    expect(ref).toMatchObject({ id: '2505.16421', version: 'v2', published: '2025-05-22', source: 'arxiv', url: 'https://arxiv.org/abs/2505.16421' });
    expect(ref.abstract).toMatch(/^Transformer LLMs have been shown/);
    expect(ref.authors).toEqual(['Rania Silva', 'Farhan Szabó', 'Omar Kaur', 'Inês Abebe']);
    // Without the visible author links, the citation_author metas ("Silva, Rania") in reading order.
    doc.querySelector('#abs .authors')!.remove();
    expect(arxivAbs.readCard(arxivAbs.findCards(doc)[0], doc)!.authors).toEqual(['Rania Silva', 'Farhan Szabó', 'Omar Kaur', 'Inês Abebe']);
  });

  it('arXiv abstract page at a version: that version', () => {
    const doc = load('arxiv/abs.html', 'https://arxiv.org/abs/2505.16421v1');
    expect(arxivAbs.cardId(arxivAbs.findCards(doc)[0])).toEqual({ id: '2505.16421', version: 'v1' });
  });

  it('Hugging Face paper page: exactly one card; "Papers citing this" gets none', () => {
    const e = expected['hf/paper.html'];
    const doc = load('hf/paper.html');
    expect(adapterFor(e.url)).toBe(hfPaper);
    const cards = hfPaper.findCards(doc);
    expect(cards).toHaveLength(1);
    expect(hfPaper.cardId(cards[0])?.id).toBe('2505.16421');
    const aside = doc.querySelector('aside')!;
    const citing = Array.from(aside.querySelectorAll('a[href^="/papers/"]'));
    expect(citing).toHaveLength(3);
    expect(hfPaper.findCards(aside)).toEqual([]);
    for (const a of citing) {
      expect(hfPaper.findCards(a.closest('li')!)).toEqual([]);
      // Inside the hydrater, so it maps to the page's paper, never to the cited one.
      expect(hfPaper.cardOf(a)).toBe(cards[0]);
    }
    const { parent, before } = hfPaper.mountPoint(cards[0]);
    const h1 = cards[0].querySelector('h1')!;
    expect(parent).toBe(h1.parentElement);
    expect(before).toBe(h1.nextSibling);
  });

  it('Hugging Face paper page: metadata from PaperContent props, or the page when they are stale or broken', () => {
    const doc = load('hf/paper.html');
    const card = hfPaper.findCards(doc)[0];
    const ref = hfPaper.readCard(card, doc)!;
    expect(ref).toMatchObject({ id: '2505.16421', source: 'hf', upvotes: 0, url: 'https://huggingface.co/papers/2505.16421' });
    expect(ref.published).toMatch(/^2025-05-22/);
    expect(ref.abstract).toMatch(/^Transformer LLMs have been shown/);
    // Props of another paper (left over from a client-side navigation): not used.
    card.setAttribute('data-props', JSON.stringify({ paper: { id: '2603.18883', title: 'Other', summary: 'Other abstract', authors: [{ name: 'X' }] } }));
    const stale = hfPaper.readCard(card, doc)!;
    expect(stale.title).toBe(expected['hf/paper.html'].cards[0].title);
    expect(stale.authors).toEqual([]);
    expect(stale.abstract).toMatch(/^Transformer LLMs have been shown/);
    card.setAttribute('data-props', '{not json');
    expect(hfPaper.readCard(card, doc)!.title).toBe(expected['hf/paper.html'].cards[0].title);
  });

  it('Hugging Face paper page: props fields of other shapes are absent, never a TypeError (issue 18)', () => {
    const doc = load('hf/paper.html');
    const card = hfPaper.findCards(doc)[0];
    const title = expected['hf/paper.html'].cards[0].title;
    for (const paper of [
      { id: '2505.16421', authors: 'Ada Lovelace', organization: 'org', title: 5, summary: ['x'] },
      { id: '2505.16421', authors: { name: 'Ada' }, upvotes: '3', publishedAt: {} },
      { id: '2505.16421', authors: [null, 1, 'x', { name: 2 }, { name: 'Kept' }] },
    ]) {
      card.setAttribute('data-props', JSON.stringify({ paper, organization: 'not an object' }));
      const ref = hfPaper.readCard(card, doc)!;
      expect(ref).toMatchObject({ id: '2505.16421', title, authors: Array.isArray(paper.authors) ? ['Kept'] : [] });
      expect(ref.organization).toBeUndefined();
      expect(ref.abstract).toMatch(/^Transformer LLMs have been shown/);
    }
  });
});

describe('every ref read from a fixture is one the background accepts', () => {
  const all = Object.entries(expected).flatMap(([file, e]) => e.cards.map((c, i) => [file, c.id, i] as const));
  it.each(all)('%s %s', (file, _id, i) => {
    const doc = load(file);
    const a = adapterFor(expected[file].url)!;
    const ref = a.readCard(a.findCards(doc)[i], doc);
    expect(v.safeParse(PaperRefSchema, ref).issues).toBeUndefined();
  });
});

// @vitest-environment happy-dom
/**
 * Each adapter against its fixture pages: the cards it finds (count, ids, in
 * page order) and what it reads from each (title as a reader sees it, authors).
 */
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { adapterFor } from '../../src/content/sites';
import { PaperRefSchema } from '../../src/shared/messages';
import { absUrl, hfUrl } from '../../src/shared/model';
import { expected, load } from './fixtures';

/** Every fixture: each one needs its adapter, so a missing adapter fails rather than skips. */
const files = Object.keys(expected);

describe.each(files)('%s', (file) => {
  const e = expected[file];
  const adapter = adapterFor(e.url);
  it('has an adapter', () => {
    expect(adapter, `no adapter matches ${e.url}`).toBeDefined();
    expect(e.cards).toHaveLength(e.count);
  });
  it.skipIf(!adapter)('finds every card once, in page order', () => {
    const doc = load(file, e.url);
    const cards = adapter!.findCards(doc);
    expect(cards.map((c) => adapter!.cardId(c)?.id)).toEqual(e.cards.map((c) => c.id));
  });
  it.skipIf(!adapter)('reads each card as a reader sees it', () => {
    const doc = load(file, e.url);
    const refs = adapter!.findCards(doc).map((c) => adapter!.readCard(c, doc));
    e.cards.forEach((want, i) => {
      const got = refs[i]!;
      expect(got.id).toBe(want.id);
      expect(got.title).toBe(want.title);
      // expected.json lists every card's authors, and a version exactly where the card names one.
      expect(got.authors).toEqual(want.authors);
      expect(got.version).toBe(want.version);
      // The paper's own page, not the listing it was read on (issue 18).
      expect(got.url).toBe(got.source === 'hf' ? hfUrl(want.id) : absUrl(want.id));
    });
  });
  it.skipIf(!adapter)('gives each card its own page as url, never the page URL with its query (issue 18)', () => {
    // The fixture at its URL with a search query, tracking parameters and a fragment added.
    const url = new URL(e.url);
    url.searchParams.set('q', 'my private search');
    url.searchParams.set('utm_source', 'newsletter');
    url.hash = 'section-2';
    const doc = load(file, url.href);
    for (const card of adapter!.findCards(doc)) {
      const ref = adapter!.readCard(card, doc)!;
      expect(ref.url).toBe(ref.source === 'hf' ? `https://huggingface.co/papers/${ref.id}` : `https://arxiv.org/abs/${ref.id}`);
    }
  });
  it.skipIf(!adapter)('mounts inside the card, outside links and MathJax nodes', () => {
    const doc = load(file, e.url);
    for (const card of adapter!.findCards(doc)) {
      const { parent, before } = adapter!.mountPoint(card);
      // In the card, or another element it is made of (an arXiv list's dd).
      expect((adapter!.parts?.(card) ?? [card]).some((p) => p.contains(parent))).toBe(true);
      expect(parent.closest('a, .mathjax')).toBeNull();
      // Before a child of that parent, or at its end (null).
      expect(before === null ? parent : before.parentNode).toBe(parent);
    }
  });
  it.skipIf(!adapter)('maps every node inside a card back to that card', () => {
    const doc = load(file, e.url);
    for (const card of adapter!.findCards(doc)) {
      for (const el of [card, ...Array.from(card.querySelectorAll('*'))]) expect(adapter!.cardOf(el)).toBe(card);
    }
  });
});

describe('hf-listing extras', () => {
  const e = expected['hf/digest.html'];
  it('completes compact cards from data-props: abstract, published date, upvotes, organisation, thumbnail', () => {
    const doc = load('hf/digest.html', e.url);
    const a = adapterFor(e.url)!;
    const ref = a.readCard(a.findCards(doc)[0], doc)!;
    expect(ref.abstract?.length).toBeGreaterThan(100);
    expect(ref.published).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(ref.upvotes).toBeGreaterThanOrEqual(0);
    expect(ref.thumbnail).toMatch(/^https:\/\//);
    expect(ref.source).toBe('hf');
  });
  it('still reads cards when data-props is broken', () => {
    const doc = load('hf/digest.html', e.url);
    doc.querySelector('[data-props]')!.setAttribute('data-props', '{not json');
    const a = adapterFor(e.url)!;
    const refs = a.findCards(doc).map((c) => a.readCard(c, doc));
    expect(refs.map((r) => r?.title)).toEqual(e.cards.map((c) => c.title));
  });
  it('reads every card when data-props fields have other shapes, taking them as absent (issue 18)', () => {
    // test/fixtures/hf/digest-malformed-props.html: the digest, its entries spoilt one way each (build.mjs).
    const doc = load('hf/digest-malformed-props.html', e.url);
    const good = load('hf/digest.html', e.url);
    const a = adapterFor(e.url)!;
    const refs = a.findCards(doc).map((c) => a.readCard(c, doc)!);
    const want = a.findCards(good).map((c) => a.readCard(c, good)!);
    expect(refs.map((r) => [r.id, r.title])).toEqual(want.map((r) => [r.id, r.title]));
    // Authors a string, an object, a number: none; an array of odd things: the names in it.
    expect(refs.slice(0, 4).map((r) => r.authors)).toEqual([[], [], [], ['Kept Name']]);
    expect(refs[4].organization).toBeUndefined();
    // A summary, date, upvotes and thumbnail of other types: no abstract or date; upvotes and thumbnail from the card itself.
    expect(refs[5]).toMatchObject({ abstract: undefined, published: undefined, upvotes: want[5].upvotes, thumbnail: want[5].thumbnail });
    for (const r of refs.slice(6, 10)) expect(r.authors).toEqual([]);
    expect(refs[10].organization).toBe('Named Org');
    expect(refs[11]).toEqual(want[11]);
    // Each one a ref the background accepts: the save goes through.
    for (const r of refs) expect(v.safeParse(PaperRefSchema, r).success, r.id).toBe(true);
  });

  it('gives nothing to navigation, pager, header and #community links', () => {
    const doc = load('hf/digest.html', e.url);
    const a = adapterFor(e.url)!;
    for (const card of a.findCards(doc)) {
      expect(card.closest('header, nav, footer')).toBeNull();
    }
  });
});

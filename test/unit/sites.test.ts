/**
 * Each adapter against its fixture pages: the cards it finds (count, ids, in
 * page order) and what it reads from each (title as a reader sees it, authors).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../src/content/sites';

const FIX = join(__dirname, '..', 'fixtures');
interface Expected {
  url: string;
  count: number;
  cards: { id: string; title: string; authors?: string[]; section?: string; version?: string }[];
}
const expected: Record<string, Expected> = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));

/** Loads a fixture as the document at its real URL. */
export function load(file: string, url: string): Document {
  const html = readFileSync(join(FIX, file), 'utf8');
  const doc = new DOMParser().parseFromString(html, 'text/html');
  Object.defineProperty(doc, 'location', { value: new URL(url), configurable: true });
  return doc;
}

/** Fixtures whose adapter exists yet: the rest are listed so a missing adapter shows as a todo, not a pass. */
const files = Object.keys(expected);

describe.each(files)('%s', (file) => {
  const e = expected[file];
  const adapter = adapterFor(e.url);
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
      if (want.authors) expect(got.authors).toEqual(want.authors);
      if (want.version) expect(got.version).toBe(want.version);
      expect(got.url).toBe(e.url);
    });
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
  it('gives nothing to navigation, pager, header and #community links', () => {
    const doc = load('hf/digest.html', e.url);
    const a = adapterFor(e.url)!;
    for (const card of a.findCards(doc)) {
      expect(card.closest('header, nav, footer')).toBeNull();
    }
  });
});

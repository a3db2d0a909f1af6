/**
 * The ranking as the background runs it (background/ranker.ts) on the real
 * library code: the seed papers, labelled by topic (test/fixtures/rank), half
 * saved with their labels as tags; the other half listed as cards.
 */
import { describe, expect, it } from 'vitest';
import { openShelf } from '../../src/library/db';
import { importLibrary } from '../../src/library/import-write';
import { CORPUS_MAX, markSeen, recordListed, setNotRelevant } from '../../src/library/corpus';
import { createRanker } from '../../src/background/ranker';
import { foldOf } from '../../src/rank/eval';
import type { Paper } from '../../src/shared/model';
import { labels, seed, seedPaper, type SeedPaper } from '../fixtures/rank/seed';

const train = seed.filter((p) => foldOf(p.id, 2) === 0);
const held = seed.filter((p) => foldOf(p.id, 2) === 1 && labels[p.id]?.length);
const asPaper = (p: SeedPaper): Paper => seedPaper(p, 1);
const card = (p: SeedPaper, withAbstract = true) => ({ id: p.id, title: p.title, authors: p.authors, ...(withAbstract ? { abstract: p.summary } : {}) });

let n = 0;
async function library() {
  const db = await openShelf(`ranker-${n++}`);
  const tags = [...new Set(train.flatMap((p) => labels[p.id] ?? []))].map((key) => ({ key, name: key.toUpperCase(), hue: 1 }));
  await importLibrary(db, train.map(asPaper), tags);
  return db;
}

describe('ranker', () => {
  it('ranks listed cards against the tags: relevance, suggestions by display name, the words behind them', async () => {
    const db = await library();
    const r = createRanker(async () => db);
    const reply = await r.rank(held.map((p) => card(p)));
    expect(reply.models).toBeGreaterThanOrEqual(4);
    let right = 0;
    for (const p of held) {
      const v = reply.cards[p.id];
      expect(v.relevance).toBeGreaterThanOrEqual(0);
      expect(v.relevance).toBeLessThanOrEqual(1);
      expect(v.suggested.length).toBeLessThanOrEqual(3);
      // The first suggestion, where there is one, is the best tag.
      expect(v.suggested.slice(0, 1)).toEqual([v.bestTag].slice(0, v.suggested.length));
      if (labels[p.id].map((l) => l.toUpperCase()).includes(v.bestTag!)) right++;
      expect(v.why.length).toBeGreaterThan(0);
      expect(v.seen).toBe(false);
    }
    // The held-out half: the best tag is one of the paper's own labels for most of them (eval.ts measures it properly).
    expect(right / held.length).toBeGreaterThan(0.6);
    expect(held.filter((p) => reply.cards[p.id].suggested.length).length, 'cards with a suggestion').toBeGreaterThan(0);
  });

  it('scores a card without an abstract from the abstract the corpus already holds', async () => {
    const db = await library();
    const r = createRanker(async () => db);
    const p = held[0];
    const bare = (await r.rank([card(p, false)])).cards[p.id];
    const full = (await r.rank([card(p)])).cards[p.id]; // the corpus now holds the abstract
    const again = (await r.rank([card(p, false)])).cards[p.id];
    expect(again.relevance).toBe(full.relevance);
    expect(again.why).toEqual(full.why);
    expect(bare.why).not.toEqual(full.why);
  });

  it('keeps seen and not-relevant marks and retrains when a mark changes; a woken worker reuses stored models', async () => {
    const db = await library();
    const r = createRanker(async () => db);
    const p = held[1];
    await r.rank([card(p)]);
    await markSeen(db, [p.id]);
    expect((await r.rank([card(p)])).cards[p.id].seen).toBe(true);
    const before = await db.get('rank', 'models');
    await setNotRelevant(db, card(p), true);
    r.invalidate();
    const after = (await r.rank([card(p)])).cards[p.id];
    expect(after.notRelevant).toBe(true);
    const retrained = await db.get('rank', 'models');
    expect(retrained!.signature).not.toBe(before!.signature);
    // A new worker (a new ranker) answers from the stored models: same verdicts, no retraining (same signature record).
    const woken = createRanker(async () => db);
    const w = (await woken.rank([card(p)])).cards[p.id];
    expect(w.relevance).toBe(after.relevance);
    expect(await db.get('rank', 'models')).toEqual(retrained);
  });

  it('an arXiv replacement: a saved paper listed with a newer version says "updated: v3", on the card and in the library', async () => {
    const db = await library();
    const r = createRanker(async () => db);
    const p = train[0];
    await db.put('papers', { ...(await db.get('papers', p.id))!, version: 'v1' });
    const v = (await r.rank([{ ...card(p), version: 'v3' }])).cards[p.id];
    expect(v.updated).toBe('v3');
    expect((await db.get('papers', p.id))!.latestVersion).toBe('v3');
    // Listed again with the old version: still updated; a paper not saved never is.
    expect((await r.rank([{ ...card(p), version: 'v1' }])).cards[p.id].updated).toBe('v3');
    expect((await r.rank([{ ...card(held[0]), version: 'v5' }])).cards[held[0].id].updated).toBeUndefined();
  });

  it('caps the corpus at the newest 50,000', async () => {
    const db = await openShelf(`ranker-cap-${n++}`);
    const many = Array.from({ length: 600 }, (_, i) => ({ id: `2501.${String(i).padStart(5, '0')}`, title: `T${i}`, authors: [] }));
    // Past the cap by 3: the three listed first go.
    const tx = db.transaction('corpus', 'readwrite');
    for (let i = 0; i < CORPUS_MAX - 597; i++)
      void tx.store.put({ id: `2401.${String(i).padStart(5, '0')}`, title: 'old', authors: [], firstAt: i, listedAt: i });
    await tx.done;
    await recordListed(db, many, 10 ** 12);
    expect(await db.count('corpus')).toBe(CORPUS_MAX);
    expect(await db.get('corpus', '2401.00000')).toBeUndefined();
    expect(await db.get('corpus', '2401.00003')).toBeDefined();
  }, 30_000);
});

/**
 * Content capabilities per tab and a corpus no page can flood: the real door
 * (background/dispatch.ts) with the real ledger (background/tabs.ts) and the
 * real library on fake-indexeddb. A compromised huggingface.co or arxiv.org
 * renderer can send anything its content script could; what it reaches is
 * what these tests allow.
 */
import { describe, expect, it } from 'vitest';
import { openShelf } from '../../src/library/db';
import { getPapers, noteNewVersions, savePaper, tagPapers } from '../../src/library/papers';
import { CARD_LIMITS, CORPUS_BYTES, corpusBytes, recordListed, setNotRelevant } from '../../src/library/corpus';
import type { ListedCard } from '../../src/shared/rank-wire';
import { createDispatcher, ownPageOf } from '../../src/background/dispatch';
import { createTabLedger, DESTRUCTIVE_BURST, LISTED_PER_HOUR, type SessionArea } from '../../src/background/tabs';
import type { PaperRef } from '../../src/shared/model';

let n = 0;
const ref = (id: string): PaperRef => ({ id, title: `Paper ${id}`, authors: ['Ada'], url: `https://arxiv.org/abs/${id}`, source: 'arxiv' });
const id = (i: number) => `2506.${String(i).padStart(5, '0')}`;

class MemorySession implements SessionArea {
  data = new Map<string, unknown>();
  async get(key: string) {
    return this.data.has(key) ? { [key]: structuredClone(this.data.get(key)) } : {};
  }
  async set(items: Record<string, unknown>) {
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
  }
  async remove(key: string) {
    this.data.delete(key);
  }
}

async function setup(clock = { now: Date.UTC(2026, 11, 1) }) {
  const db = await openShelf(`tabs-${n++}`);
  const session = new MemorySession();
  const tabs = createTabLedger(session, () => clock.now);
  const door = createDispatcher({ db: async () => db, changed: async () => {}, marked: async () => {}, tabs });
  return { db, door, tabs, session, clock };
}

describe('content capabilities per tab', () => {
  it('a tab acts only on papers it listed: unsave, untag, save, restore of another id are refused and change nothing', async () => {
    const { db, door } = await setup();
    await savePaper(db, ref(id(1)));
    await tagPapers(db, [id(1)], 'Mine');
    const tab1 = { tabId: 1, url: 'https://huggingface.co/papers' };
    const tab2 = { tabId: 2, url: 'https://arxiv.org/list/cs.LG/recent' };
    expect(await door('papers.status', { ids: [id(1)] }, 'content', tab1)).toMatchObject({ ok: true });
    for (const [name, body] of [
      ['paper.unsave', { id: id(1) }],
      ['paper.untag', { id: id(1), key: 'mine' }],
      ['paper.save', { ref: ref(id(1)) }],
      ['paper.restore', { id: id(1) }],
    ] as const) {
      const r = await door(name, body, 'content', tab2);
      expect(r, name).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: this tab did not list/) });
    }
    expect((await getPapers(db, [id(1)]))[0]?.tags).toEqual(['mine']);
    // The tab that listed it may.
    expect(await door('paper.untag', { id: id(1), key: 'mine' }, 'content', tab1)).toMatchObject({ ok: true, value: { updated: 1 } });
    expect(await door('paper.unsave', { id: id(1) }, 'content', tab1)).toMatchObject({ ok: true, value: { removed: true } });
  });

  it('a tab cannot enumerate the library: at most LISTED_PER_HOUR new ids an hour', async () => {
    const { door, clock } = await setup();
    const tab = { tabId: 7, url: 'https://arxiv.org/list/cs.LG/recent' };
    const ids = Array.from({ length: LISTED_PER_HOUR }, (_, i) => id(i));
    expect(await door('papers.status', { ids }, 'content', tab)).toMatchObject({ ok: true });
    // Listing the same again is free; one more new id is not.
    expect(await door('papers.status', { ids: ids.slice(0, 100) }, 'content', tab)).toMatchObject({ ok: true });
    expect(await door('papers.status', { ids: [id(LISTED_PER_HOUR)] }, 'content', tab)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^refused: a tab lists at most/),
    });
    // Another tab has its own allowance; an hour later this one has its again.
    expect(await door('papers.status', { ids: [id(LISTED_PER_HOUR)] }, 'content', { ...tab, tabId: 8 })).toMatchObject({ ok: true });
    clock.now += 3_600_001;
    expect(await door('papers.status', { ids: [id(LISTED_PER_HOUR)] }, 'content', tab)).toMatchObject({ ok: true });
  });

  it('removals from a tab go no faster than a person: a burst, then one every two seconds', async () => {
    const { db, door, clock } = await setup();
    const tab = { tabId: 3, url: 'https://huggingface.co/papers' };
    const ids = Array.from({ length: DESTRUCTIVE_BURST + 5 }, (_, i) => id(i));
    for (const i of ids) await savePaper(db, ref(i));
    await door('papers.status', { ids }, 'content', tab);
    const results = [];
    for (const i of ids) results.push(await door('paper.unsave', { id: i }, 'content', tab));
    expect(results.filter((r) => r.ok)).toHaveLength(DESTRUCTIVE_BURST);
    expect(results.slice(DESTRUCTIVE_BURST).every((r) => !r.ok && /too many removals/.test(r.error))).toBe(true);
    expect(await getPapers(db, ids)).toHaveLength(5);
    clock.now += 2_000;
    expect(await door('paper.unsave', { id: ids[DESTRUCTIVE_BURST] }, 'content', tab)).toMatchObject({ ok: true, value: { removed: true } });
  });

  it('what a tab listed survives a stopped worker (storage.session); a closed tab forgets', async () => {
    const { db, session, tabs } = await setup();
    await savePaper(db, ref(id(1)));
    const tab = { tabId: 4, url: 'https://huggingface.co/papers' };
    expect(await tabs.list(4, [id(1)])).toBeNull();
    const woken = createDispatcher({ db: async () => db, changed: async () => {}, marked: async () => {}, tabs: createTabLedger(session) });
    expect(await woken('paper.unsave', { id: id(1) }, 'content', tab)).toMatchObject({ ok: true, value: { removed: true } });
    tabs.forget(4);
    expect(session.data.size).toBe(0);
  });

  it('metadata completes a saved paper only from its own page', async () => {
    const { db, door } = await setup();
    await savePaper(db, { ...ref(id(9)), title: `arXiv:${id(9)}`, authors: [] });
    const full = { ...ref(id(9)), title: 'The real title', authors: ['Real Author'] };
    await door('papers.status', { ids: [id(9)] }, 'content', { tabId: 5, url: 'https://huggingface.co/papers' });
    expect(
      await door('paper.complete', { ref: { ...full, title: 'A fake card says so' } }, 'content', { tabId: 5, url: 'https://huggingface.co/papers' }),
    ).toMatchObject({ ok: false });
    expect((await getPapers(db, [id(9)]))[0].title).toBe(`arXiv:${id(9)}`);
    expect(await door('paper.complete', { ref: full }, 'content', { tabId: 6, url: `https://arxiv.org/abs/${id(9)}v2` })).toMatchObject({
      ok: true,
      value: { completed: true },
    });
    expect((await getPapers(db, [id(9)]))[0].title).toBe('The real title');
    expect(ownPageOf(`https://huggingface.co/papers/${id(9)}`)).toBe(id(9));
    expect(ownPageOf('https://huggingface.co/papers?q=x')).toBeNull();
    expect(ownPageOf(`https://evil.example/abs/${id(9)}`)).toBeNull();
  });
});

describe('cards cannot poison the corpus or the library', () => {
  // Every card of the most a page could send; made once and shared by the cards (10,000 cards of
  // their own were 1.5 GB of strings to build, most of this file's time), as the library sees no difference.
  const HUGE = { title: 'T'.repeat(171_000), authors: Array.from({ length: 500 }, () => 'A'.repeat(300)), abstract: 'x'.repeat(20_000) };
  const huge = (i: number): ListedCard => ({ id: id(i), ...HUGE, authors: [...HUGE.authors] });

  it('each record is cut to what a listing shows', async () => {
    const { db } = await setup();
    const [e] = [...(await recordListed(db, [huge(1)])).values()];
    expect(e.title).toHaveLength(CARD_LIMITS.title);
    expect(e.authors).toHaveLength(CARD_LIMITS.authors);
    expect(e.authors.every((a) => a.length === CARD_LIMITS.author)).toBe(true);
    expect(e.abstract).toHaveLength(CARD_LIMITS.abstract);
  });

  it("10,000 hostile cards of maximum size: the corpus stays within its byte budget and the user's marks survive", { timeout: 120_000 }, async () => {
    const { db } = await setup();
    const mine: ListedCard = { id: '2401.00001', title: 'A paper I said is not relevant', authors: ['Someone'] };
    await setNotRelevant(db, mine, true);
    for (let start = 0; start < 10_000; start += 1000) {
      await recordListed(
        db,
        Array.from({ length: 1000 }, (_, i) => huge(10_000 + start + i)),
        Date.UTC(2026, 11, 1) + start,
      );
    }
    expect(await corpusBytes(db)).toBeLessThanOrEqual(CORPUS_BYTES);
    const kept = await db.count('corpus');
    expect(kept).toBeLessThan(10_001);
    expect((await db.get('corpus', mine.id))?.notRelevant).toBeGreaterThan(0);
    // The budget counts what is stored: recount it from the records.
    let real = 0;
    for (const e of await db.getAll('corpus'))
      real += 64 + e.id.length + e.title.length + (e.abstract?.length ?? 0) + e.authors.reduce((m, a) => m + a.length + 4, 0);
    expect(real).toBe(await corpusBytes(db));
  });

  it('a card cannot set "updated: v999" on a saved paper; a plausible step or the paper\'s own page can', async () => {
    const { db } = await setup();
    await savePaper(db, { ...ref(id(2)), version: 'v1' });
    expect((await noteNewVersions(db, [{ id: id(2), version: 'v999' }])).written).toEqual([]);
    expect((await getPapers(db, [id(2)]))[0].latestVersion).toBeUndefined();
    expect((await noteNewVersions(db, [{ id: id(2), version: 'v3' }])).written).toEqual([id(2)]);
    expect((await noteNewVersions(db, [{ id: id(2), version: 'v9' }], id(2))).written).toEqual([id(2)]);
    expect((await getPapers(db, [id(2)]))[0].latestVersion).toBe('v9');
  });
});

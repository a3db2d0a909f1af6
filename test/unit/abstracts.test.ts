/**
 * Abstracts in pages (src/library/abstracts.ts, database v7): each abstract in
 * the page its id names, writers of one page in one transaction keep each
 * other's changes, emptied pages go, and bulk writes touch each page once.
 */
import { describe, expect, it } from 'vitest';
import { openShelf } from '../../src/library/db';
import { ABSTRACT_PAGES, allAbstracts, pageOf } from '../../src/library/abstracts';
import { putPaper, readFull, writeTx } from '../../src/library/write';
import { importLibrary } from '../../src/library/import-write';
import { removePapers, savePaper } from '../../src/library/papers';
import type { Paper, PaperRef } from '../../src/shared/model';

let n = 0;
const fresh = () => openShelf(`abstracts-${n++}-${Math.random().toString(36).slice(2, 8)}`);
const id = (i: number) => `2601.${String(i).padStart(5, '0')}`;
const ref = (pid: string, abstract?: string): PaperRef => ({
  id: pid,
  title: `Paper ${pid}`,
  authors: ['Ada Lovelace'],
  ...(abstract !== undefined ? { abstract } : {}),
  url: `https://arxiv.org/abs/${pid}`,
  source: 'arxiv',
});
const paper = (pid: string, abstract?: string): Paper => ({
  ...ref(pid, abstract),
  savedAt: 1,
  updatedAt: 1,
  tags: [],
  status: 'to-read',
  note: '',
});

/** `count` ids that share one page. */
function samePage(count: number): string[] {
  const by = new Map<string, string[]>();
  for (let i = 0; ; i++) {
    const list = by.get(pageOf(id(i))) ?? [];
    list.push(id(i));
    by.set(pageOf(id(i)), list);
    if (list.length === count) return list;
  }
}

describe('abstracts in pages', () => {
  it('names one of ABSTRACT_PAGES pages for every id, the same each time, spread evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) counts.set(pageOf(id(i)), (counts.get(pageOf(id(i))) ?? 0) + 1);
    expect(counts.size).toBe(ABSTRACT_PAGES);
    // 10,000 ids over 256 pages: about 39 each; none close to empty or to twice that.
    expect(Math.min(...counts.values())).toBeGreaterThan(15);
    expect(Math.max(...counts.values())).toBeLessThan(70);
    expect(pageOf('2501.00001')).toBe(pageOf('2501.00001'));
  });

  it('keeps every abstract when writers of one page in one transaction run at once', async () => {
    const db = await fresh();
    const ids = samePage(5);
    const tx = writeTx(db);
    await Promise.all(ids.map((pid) => putPaper(tx, undefined, paper(pid, `Abstract of ${pid}.`))));
    await tx.done;
    expect(await db.count('abstracts')).toBe(1);
    const texts = await allAbstracts(db);
    expect(ids.map((pid) => texts.get(pid))).toEqual(ids.map((pid) => `Abstract of ${pid}.`));
  });

  it('replaces, keeps and removes an abstract on a save, and drops a page once emptied', async () => {
    const db = await fresh();
    const [a, b] = samePage(2);
    await savePaper(db, ref(a, 'First.'), 1);
    await savePaper(db, ref(b, 'Second.'), 2);
    await savePaper(db, ref(a, 'First, revised.'), 3);
    await savePaper(db, ref(b), 4); // a card without an abstract keeps the stored one
    expect(Object.fromEntries(await allAbstracts(db))).toEqual({ [a]: 'First, revised.', [b]: 'Second.' });
    expect(await removePapers(db, [a], 5)).toHaveLength(1);
    expect(Object.fromEntries(await allAbstracts(db))).toEqual({ [b]: 'Second.' });
    expect(await removePapers(db, [b], 6)).toHaveLength(1);
    expect(await db.count('abstracts')).toBe(0);
  });

  it('writes an import of 3,000 papers as at most ABSTRACT_PAGES records, each in the page its id names', async () => {
    const db = await fresh();
    const papers = Array.from({ length: 3000 }, (_, i) => paper(id(i), i % 4 ? `Abstract ${i}.` : undefined));
    const summary = await importLibrary(db, papers, []);
    await summary.indexed;
    expect(summary.added).toBe(3000);
    const pages = await db.getAll('abstracts');
    expect(pages.length).toBe(ABSTRACT_PAGES);
    for (const page of pages) for (const pid of Object.keys(page.texts)) expect(pageOf(pid)).toBe(page.id);
    const full = new Map((await readFull(db)).map((p) => [p.id, p.abstract]));
    for (const p of papers) expect(full.get(p.id)).toBe(p.abstract);
    // And the subset read joins the same texts.
    const some = await readFull(db, [id(1), id(4), id(2999)]);
    expect(some.map((p) => p.abstract)).toEqual(['Abstract 1.', undefined, 'Abstract 2999.']);
  });

  it("an import that updates papers sees their stored abstracts: it fills a missing one and keeps the library's", async () => {
    const db = await fresh();
    await savePaper(db, ref(id(1), 'Kept.'), 1);
    await savePaper(db, ref(id(2), 'Old.'), 2);
    await savePaper(db, ref(id(3)), 3);
    const later = (pid: string, abstract?: string): Paper => ({ ...paper(pid, abstract), tags: ['new'], savedAt: 1, updatedAt: 10 }); // a tag more: an update
    const summary = await importLibrary(db, [later(id(1)), later(id(2), 'New.'), later(id(3), 'Filled.')], [], 20);
    await summary.indexed;
    expect(summary.updated).toBe(3);
    // The file fills gaps in the library's metadata and never replaces it (merge.ts combine).
    expect(Object.fromEntries(await allAbstracts(db))).toEqual({ [id(1)]: 'Kept.', [id(2)]: 'Old.', [id(3)]: 'Filled.' });
  });
});

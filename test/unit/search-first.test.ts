/**
 * The popup's searches read first (src/popup/search-first.ts): the library's bulk reads (the
 * whole list in slices, the tags' counts) ask for a turn before each request, which waits while
 * a search reads; with turns, the reads give what they give without.
 */
import { describe, expect, it } from 'vitest';
import { openShelf } from '../../src/library/db';
import { importLibrary } from '../../src/library/import-write';
import { listPapers } from '../../src/library/papers';
import { listTags } from '../../src/library/tags';
import { SearchFirst } from '../../src/popup/search-first';
import type { Paper } from '../../src/shared/model';

const paper = (i: number): Paper => ({
  id: `2502.${String(i).padStart(5, '0')}`,
  title: `Paper ${i}`,
  authors: ['Ada Lovelace'],
  url: `https://arxiv.org/abs/2502.${String(i).padStart(5, '0')}`,
  source: 'arxiv',
  savedAt: 1000 + (i % 50),
  updatedAt: 1000,
  tags: i % 3 ? ['a'] : i % 5 ? ['b', 'c'] : [],
  status: 'to-read',
  note: '',
});

describe('SearchFirst', () => {
  it('a turn waits while a search reads, and comes once every search has settled (failed ones too)', async () => {
    const q = new SearchFirst();
    const log: string[] = [];
    await q.turn();
    let endA!: () => void;
    let failB!: (e: Error) => void;
    const a = q.during(() => new Promise<void>((r) => (endA = r)));
    const b = q.during(() => new Promise<void>((_, rej) => (failB = rej))).catch(() => log.push('b failed'));
    const turn = q.turn().then(() => log.push('turn'));
    await new Promise((r) => setTimeout(r, 0));
    endA();
    await a;
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual([]);
    failB(new Error('no'));
    await Promise.all([b, turn]);
    expect(log.sort()).toEqual(['b failed', 'turn']);
  });

  it('the whole list and the tags with their counts, in turns, are what they are at once; each slice asks for its turn', async () => {
    const db = await openShelf('search-first-0');
    const papers = Array.from({ length: 2500 }, (_, i) => paper(i));
    const tags = ['a', 'b', 'c', 'd', 'e', 'f'].map((key, i) => ({ key, name: key.toUpperCase(), hue: i }));
    await (await importLibrary(db, papers, tags, 5000)).indexed;
    let turns = 0;
    const turn = async () => void turns++;
    const list = await listPapers(db, undefined, 0, turn);
    expect(list.map((p) => p.id)).toEqual((await listPapers(db)).map((p) => p.id));
    expect(list).toHaveLength(2500);
    expect(turns).toBe(3); // slices of 1,000
    turns = 0;
    const counted = await listTags(db, turn);
    expect(counted).toEqual(await listTags(db));
    expect(counted.find((t) => t.tag.key === 'b')?.count).toBe(papers.filter((p) => p.tags.includes('b')).length);
    expect(turns).toBe(3); // the tags, then the six counts four at a time
    db.close();
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { readFull } from '../../src/library/write';
import { openShelf, type Shelf } from '../../src/library/db';
import { listPapers, savePaper, statusOf, unsavePaper, countPapers } from '../../src/library/papers';
import type { PaperRef } from '../../src/shared/model';

const ref = (id: string, extra: Partial<PaperRef> = {}): PaperRef => ({
  id,
  title: `Paper ${id}`,
  authors: ['Ada Lovelace'],
  url: `https://huggingface.co/papers/${id}`,
  source: 'hf',
  ...extra,
});

let db: Shelf;
let n = 0;
beforeEach(async () => {
  db = await openShelf(`test-${n++}`);
});

describe('store', () => {
  it('saves, lists newest first, and unsaves', async () => {
    await savePaper(db, ref('2505.00001'), 1000);
    await savePaper(db, ref('2505.00002'), 2000);
    expect((await listPapers(db)).map((p) => p.id)).toEqual(['2505.00002', '2505.00001']);
    expect(await unsavePaper(db, '2505.00001')).toBe(true);
    expect(await unsavePaper(db, '2505.00001')).toBe(false);
    expect((await listPapers(db)).map((p) => p.id)).toEqual(['2505.00002']);
  });

  it('is idempotent by id: a second save merges and keeps the first savedAt', async () => {
    await savePaper(db, ref('2505.00001', { abstract: 'From the digest' }), 1000);
    const again = await savePaper(db, ref('2505.00001', { title: 'Better title', upvotes: 7 }), 5000);
    expect(again).toMatchObject({ savedAt: 1000, updatedAt: 5000, title: 'Better title', upvotes: 7 });
    // The abstract read earlier stays (in its own store since v4).
    expect((await readFull(db))[0]).toMatchObject({ title: 'Better title', abstract: 'From the digest' });
    expect(await countPapers(db)).toBe(1);
  });

  it('reports status for saved and unsaved ids', async () => {
    await savePaper(db, ref('hep-th/9901001'));
    expect(await statusOf(db, ['hep-th/9901001', '2505.00009'])).toEqual({
      'hep-th/9901001': { saved: true, tags: [] },
      '2505.00009': { saved: false, tags: [] },
    });
  });

  it('reports status for ids spread over many months and forms, asked in any order, repeats included', async () => {
    // Saved: some ids asked for, and others between them (in the same ranges of keys) that are not asked for.
    const saved = ['2401.00002', '2401.00004', '2412.00010', '2505.00001', 'hep-th/9901001', 'cs/0101001', '2401.00003', '2507.12345'];
    for (const id of saved) await savePaper(db, ref(id));
    const asked = [
      '2507.12345',
      '2401.00004',
      '2401.00001',
      'cs/0101001',
      '2401.00004',
      '2412.00009',
      '2401.00002',
      'hep-th/9901002',
      '2412.00011',
      'hep-th/9901001',
      '9999.99999',
    ];
    const got = await statusOf(db, asked);
    expect(Object.keys(got).sort()).toEqual([...new Set(asked)].sort());
    for (const id of asked) expect(got[id], id).toEqual({ saved: saved.includes(id), tags: [] });
    expect(await statusOf(db, [])).toEqual({});
  });
});

describe('completing a paper saved from a link', async () => {
  const { completePaper } = await import('../../src/library/papers');
  it('fills a bare record from a card, and never creates one', async () => {
    await savePaper(db, { id: '2505.00001', title: 'arXiv:2505.00001', authors: [], url: 'https://blog.example/', source: 'arxiv' }, 1000);
    expect(await completePaper(db, ref('2505.00001', { abstract: 'Now known' }), 2000)).toBe(true);
    const [p] = await readFull(db);
    expect(p).toMatchObject({ title: 'Paper 2505.00001', authors: ['Ada Lovelace'], abstract: 'Now known', savedAt: 1000 });
    expect(await completePaper(db, ref('2505.00001', { title: 'Other' }), 3000)).toBe(false); // already complete
    expect(await completePaper(db, ref('2505.00002'), 3000)).toBe(false);
    expect(await countPapers(db)).toBe(1);
  });
});

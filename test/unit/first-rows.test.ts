/**
 * The first paint's reads (library/first-rows.ts) give what the library's own
 * reads give: the newest rows in the savedAt index's backward order (ties
 * included), papers by id, the index's words for a Searcher.
 */
import { describe, expect, it } from 'vitest';
import { openShelf } from '../../src/library/db';
import { importLibrary } from '../../src/library/import-write';
import { listPapers } from '../../src/library/papers';
import { openForReading, readFirstRows, readPapers, wordSource } from '../../src/library/first-rows';
import { Searcher } from '../../src/library/search';
import type { Paper } from '../../src/shared/model';

const paper = (i: number, savedAt: number): Paper => ({
  id: `2501.${String(i).padStart(5, '0')}`,
  title: `Paper ${i} on ${i % 2 ? 'graphs' : 'vision'}`,
  authors: ['Ada Lovelace'],
  url: `https://arxiv.org/abs/2501.${String(i).padStart(5, '0')}`,
  source: 'arxiv',
  savedAt,
  updatedAt: savedAt,
  tags: [],
  status: 'to-read',
  note: '',
});

let n = 0;
describe('first-paint reads', () => {
  it('the n newest rows as the savedAt index read backwards, ties included; fewer when there are fewer', async () => {
    const name = `first-rows-${n++}`;
    const db = await openShelf(name);
    // Many equal savedAt values, across the 30th row.
    await (
      await importLibrary(
        db,
        Array.from({ length: 80 }, (_, i) => paper(i, 1000 + Math.floor(i / 7))),
        [{ key: 'a', name: 'A', hue: 1 }],
        5000,
      )
    ).indexed;
    const raw = (await openForReading(name))!;
    // Both ways: one getAllRecords request where the browser has it (fake-indexeddb does), a cursor and a getAll where not.
    const proto = IDBIndex.prototype as unknown as { getAllRecords?: unknown };
    expect(proto.getAllRecords).toBeTypeOf('function');
    const saved = proto.getAllRecords;
    for (const records of [true, false]) {
      if (!records) delete proto.getAllRecords;
      try {
        const { rows, tags } = await readFirstRows(raw, 30);
        expect(rows.map((p) => p.id)).toEqual((await listPapers(db, 30)).map((p) => p.id));
        expect(rows[0].title).toBe((await listPapers(db, 1))[0].title);
        expect(tags).toBe(1);
        expect((await readFirstRows(raw, 1)).rows.map((p) => p.id)).toEqual((await listPapers(db, 1)).map((p) => p.id));
        expect((await readFirstRows(raw, 500)).rows).toHaveLength(80);
      } finally {
        proto.getAllRecords = saved;
      }
    }
    expect((await readPapers(raw, ['2501.00003', 'none', '2501.00001'])).map((p) => p.id)).toEqual(['2501.00003', '2501.00001']);
    const graphs = await new Searcher(async () => wordSource(raw)).search('graph');
    expect(graphs).toHaveLength(40);
    expect(graphs).toEqual(await new Searcher(async () => db).search('graph'));
    raw.close();
  });

  it('reads nothing from a database it would have to create or upgrade', async () => {
    expect(await openForReading(`first-rows-none-${n++}`)).toBeNull();
  });
});

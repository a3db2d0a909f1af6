import { openDB } from 'idb';
import { beforeEach, describe, expect, it } from 'vitest';
import { readFull } from '../../src/library/write';
import { openShelf, type Shelf } from '../../src/library/db';
import { listPapers, removePapers, restorePapers, savePaper, setNote, setStatus, statusOf, tagPapers, untagPaper } from '../../src/library/papers';
import { deleteTag, listTags, mergeTags, renameTag } from '../../src/library/tags';
import { normaliseTag, tagHue, tagKey, TAG_MAX, type PaperRef } from '../../src/shared/model';

const ref = (id: string): PaperRef => ({ id, title: `Paper ${id}`, authors: ['A'], url: `https://huggingface.co/papers/${id}`, source: 'hf' });
let db: Shelf;
let n = 0;
beforeEach(async () => {
  db = await openShelf(`tags-${n++}`);
});

describe('tag normalisation', () => {
  it('trims, collapses spaces, caps the length, keeps the case for display', () => {
    expect(normaliseTag('  Large   Language\tModels ')).toBe('Large Language Models');
    expect(normaliseTag('x'.repeat(100))).toHaveLength(TAG_MAX);
    expect(normaliseTag('   ')).toBe('');
  });
  it('matches case-folded and Unicode-normalised', () => {
    expect(tagKey('RLHF')).toBe(tagKey(' rlhf '));
    expect(tagKey('Ｌｌｍ')).toBe(tagKey('llm')); // full-width letters
    expect(tagKey('')).toBe('');
  });
  it('gives each tag a stable colour', () => {
    expect(tagHue('llm')).toBe(tagHue('llm'));
    expect(tagHue('llm')).not.toBe(tagHue('vision'));
    expect(tagHue('llm')).toBeGreaterThanOrEqual(0);
    expect(tagHue('llm')).toBeLessThan(360);
  });
});

describe('tags on papers', () => {
  it('tagging an unsaved paper saves it; the first spelling is kept for display', async () => {
    await tagPapers(db, ['2505.00001'], 'RLHF', ref('2505.00001'));
    await tagPapers(db, ['2505.00001'], 'rlhf', ref('2505.00001'));
    const [p] = await listPapers(db);
    expect(p).toMatchObject({ id: '2505.00001', tags: ['rlhf'], status: 'to-read', note: '' });
    expect(await statusOf(db, ['2505.00001'])).toEqual({ '2505.00001': { saved: true, tags: ['RLHF'] } });
  });
  it('refuses an empty tag', async () => {
    await expect(tagPapers(db, ['2505.00001'], '   ', ref('2505.00001'))).rejects.toThrow(/letter or digit/);
    expect(await listPapers(db)).toEqual([]);
  });
  it('removes a tag from one paper', async () => {
    await tagPapers(db, ['2505.00001'], 'a', ref('2505.00001'));
    await tagPapers(db, ['2505.00001'], 'b');
    await untagPaper(db, '2505.00001', 'a');
    expect((await listPapers(db))[0].tags).toEqual(['b']);
  });
  it('counts, most used first', async () => {
    for (const id of ['2505.00001', '2505.00002']) await savePaper(db, ref(id));
    await tagPapers(db, ['2505.00001', '2505.00002'], 'Vision');
    await tagPapers(db, ['2505.00001'], 'LLM');
    expect((await listTags(db)).map((t) => [t.tag.name, t.count])).toEqual([
      ['Vision', 2],
      ['LLM', 1],
    ]);
  });
  it('renames: display only, or into another tag (merge)', async () => {
    for (const id of ['2505.00001', '2505.00002']) await savePaper(db, ref(id));
    await tagPapers(db, ['2505.00001'], 'llm');
    await tagPapers(db, ['2505.00001', '2505.00002'], 'language models');
    expect(await renameTag(db, 'llm', 'LLM')).toEqual(['2505.00001']);
    expect((await listTags(db)).find((t) => t.tag.key === 'llm')?.tag.name).toBe('LLM');
    await renameTag(db, 'language models', 'llm');
    const tags = await listTags(db);
    expect(tags.map((t) => [t.tag.name, t.count])).toEqual([['LLM', 2]]);
    expect((await listPapers(db)).map((p) => p.tags)).toEqual([['llm'], ['llm']]);
  });
  it('merges two tags and deletes one; papers keep the rest', async () => {
    for (const id of ['2505.00001', '2505.00002']) await savePaper(db, ref(id));
    await tagPapers(db, ['2505.00001'], 'a');
    await tagPapers(db, ['2505.00002'], 'b');
    await tagPapers(db, ['2505.00001', '2505.00002'], 'keep');
    await mergeTags(db, 'a', 'b');
    expect((await listTags(db)).map((t) => [t.tag.key, t.count])).toEqual([
      ['b', 2],
      ['keep', 2],
    ]);
    await deleteTag(db, 'b');
    expect((await listPapers(db)).map((p) => p.tags)).toEqual([['keep'], ['keep']]);
    expect((await listTags(db)).map((t) => t.tag.key)).toEqual(['keep']);
  });
});

describe('status, notes, remove and undo', () => {
  it('sets status and note', async () => {
    await savePaper(db, ref('2505.00001'));
    await setStatus(db, ['2505.00001'], 'reading');
    await setNote(db, '2505.00001', 'Read section 3 again');
    expect((await listPapers(db))[0]).toMatchObject({ status: 'reading', note: 'Read section 3 again' });
  });
  it('restores removed papers exactly', async () => {
    await tagPapers(db, ['2505.00001'], 'x', ref('2505.00001'));
    const before = await listPapers(db);
    const removed = await removePapers(db, ['2505.00001']);
    expect(await listPapers(db)).toEqual([]);
    expect(await db.get('tombstones', '2505.00001')).toMatchObject({ id: '2505.00001' });
    await restorePapers(db, removed);
    // The same paper; only its write times are new, so sync does not take the removal for the latest word.
    const strip = ({ updatedAt: _u, fieldsAt: _f, ...p }: any) => p;
    expect((await listPapers(db)).map(strip)).toEqual(before.map(strip));
    expect(await db.get('tombstones', '2505.00001')).toBeUndefined();
  });
  it('lists the first rows from the index', async () => {
    for (let i = 0; i < 10; i++) await savePaper(db, ref(`2505.0000${i}`), 1000 + i);
    expect((await listPapers(db, 3)).map((p) => p.id)).toEqual(['2505.00009', '2505.00008', '2505.00007']);
  });
});

describe('migration', () => {
  it('takes a version-1 database with papers to version 2 and loses nothing', async () => {
    const name = 'migrate-v1';
    const v1 = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore('papers', { keyPath: 'id' }).createIndex('savedAt', 'savedAt');
      },
    });
    const old = Array.from({ length: 50 }, (_, i) => ({
      id: `2505.${String(i).padStart(5, '0')}`,
      title: `Old paper ${i}`,
      authors: ['Ada'],
      abstract: 'kept',
      url: 'https://huggingface.co/papers',
      source: 'hf',
      savedAt: 1000 + i,
      updatedAt: 1000 + i,
    }));
    for (const p of old) await v1.put('papers', p);
    v1.close();

    const v2 = await openShelf(name);
    const papers = await readFull(v2);
    expect(papers).toHaveLength(50);
    expect(papers.at(-1)).toEqual({ ...old[0], tags: [], status: 'to-read', note: '' });
    // The new indexes work on migrated data.
    await tagPapers(v2, [old[3].id], 'migrated');
    expect(await v2.countFromIndex('papers', 'tags', 'migrated')).toBe(1);
    expect(papers.filter((p) => p.status === 'to-read')).toHaveLength(50);
  });
});

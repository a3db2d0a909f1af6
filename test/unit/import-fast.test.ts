/**
 * The compiled check of a backup (import-fast.ts) against valibot's own run of BackupSchema:
 * the same answer for every input, the same output (keys in the same order) for a valid one,
 * and valibot's message for an invalid one.
 */
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { BackupSchema, fastBackupCheck, parseBackupSchema } from '../../src/library/import-json';
import { INVALID } from '../../src/library/import-fast';
import { rng } from './rng';

/** valibot's own run of BackupSchema: its output, or INVALID. */
function viaValibot(data: unknown): unknown {
  const r = v.safeParse(BackupSchema, data, { abortEarly: true });
  return r.success ? r.output : INVALID;
}

/** A valid paper, keys deliberately not in the schema's order, optional fields per `i`. */
function paper(i: number): Record<string, unknown> {
  const p: Record<string, unknown> = {
    note: i % 4 ? '' : `note ${i}`,
    tags: i % 3 ? ['llm', 'a b'] : [],
    status: ['to-read', 'reading', 'read'][i % 3],
    updatedAt: 2000 + i,
    savedAt: 1000 + i,
    source: i % 2 ? 'hf' : 'arxiv',
    url: `https://arxiv.org/abs/2401.${String(10000 + i)}`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    title: `Paper ${i}`,
    id: `2401.${String(10000 + i)}`,
  };
  if (i % 2) p.abstract = `Abstract ${i}`;
  if (i % 5 === 0) p.version = 'v2';
  if (i % 7 === 0) p.fieldsAt = { note: 5, tags: 4 };
  if (i % 11 === 0) p.thumbnail = 'https://cdn.example.org/t.png';
  if (i % 13 === 0) p.upvotes = 12;
  if (i % 17 === 0) p.published = '2024-01';
  if (i % 19 === 0) p.organization = 'Org';
  if (i % 23 === 0) p.latestVersion = 'v3';
  return p;
}

const backup = (papers: unknown[], tags: unknown[] = [{ hue: 10, name: 'LLM', key: 'llm' }]) => ({
  tags,
  papers,
  exportedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
  format: 'papershelf-backup',
});

// Values that break a field one way or another, and some that do not.
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'v1',
  'v1234',
  'llm',
  'Not A Key',
  '2401.10001',
  '2401.1',
  'https://arxiv.org/abs/1',
  'http://x',
  'javascript:alert(1)',
  'ftp://x.org',
  'not a url',
  'x'.repeat(41),
  'x'.repeat(301),
  'x'.repeat(1001),
  -1,
  0,
  1.5,
  2 ** 53,
  8.64e15,
  8.64e15 + 1,
  Number.POSITIVE_INFINITY,
  true,
  [],
  [''],
  ['llm'],
  ['x'.repeat(301)],
  {},
  { note: 1 },
  { note: -1 },
  { other: 1 },
  'to-read',
  'hf',
  'papershelf-backup',
];

const KEYS = [
  'id',
  'version',
  'title',
  'authors',
  'abstract',
  'published',
  'upvotes',
  'organization',
  'thumbnail',
  'url',
  'source',
  'savedAt',
  'updatedAt',
  'tags',
  'status',
  'note',
  'fieldsAt',
  'latestVersion',
  'extra',
];

describe('the compiled check of a backup', () => {
  it('compiles: every node of BackupSchema is one it knows', () => {
    expect(fastBackupCheck).not.toBeNull();
  });

  it('gives valibot output for a valid backup, keys in the schema order', () => {
    const data = backup(Array.from({ length: 60 }, (_, i) => paper(i)));
    const want = viaValibot(data);
    expect(want).not.toBe(INVALID);
    const fast = fastBackupCheck!(data);
    expect(fast).toEqual(want);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(want));
    // New objects, as valibot's: the file's objects are not what gets stored.
    expect((fast as { papers: unknown[] }).papers[0]).not.toBe(data.papers[0]);
    expect(parseBackupSchema(data)).toMatchObject({ success: true, output: want });
  });

  it('answers as valibot does for a thousand broken backups, and says what valibot says', () => {
    const random = rng(20);
    let refused = 0;
    for (let n = 0; n < 1000; n++) {
      const papers = Array.from({ length: 3 }, (_, i) => paper(random.int(0, 50) + i));
      const target = papers[random.int(0, 2)];
      for (let m = random.int(1, 2); m > 0; m--) {
        const key = random.pick(KEYS);
        const value = random.pick(VALUES);
        if (value === undefined && random.next() < 0.5) delete target[key];
        else target[key] = value;
      }
      const data = random.next() < 0.1 ? { ...backup(papers), [random.pick(['format', 'version', 'tags', 'extra'])]: random.pick(VALUES) } : backup(papers);
      const fast = fastBackupCheck!(data);
      const want = viaValibot(data);
      if (want === INVALID) {
        refused++;
        expect(fast).toBe(INVALID);
        // The message comes from valibot's run.
        const r = parseBackupSchema(data);
        expect(r.success).toBe(false);
        expect(r.issues?.[0].message).toBe(v.safeParse(BackupSchema, data, { abortEarly: true }).issues?.[0].message);
      } else {
        expect(JSON.stringify(fast)).toBe(JSON.stringify(want));
      }
    }
    // Most mutations break the paper; some leave it valid.
    expect(refused).toBeGreaterThan(300);
    expect(refused).toBeLessThan(1000);
  });
});

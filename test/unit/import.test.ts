import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toBackup, toBibTeX } from '../../src/library/export';
import { checkSize, MAX_IMPORT_BYTES, parseImport, planMerge, type ImportOk, type ImportResult } from '../../src/library/import';
import type { Paper, Tag } from '../../src/shared/model';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'import', name), 'utf8');
const NOW = Date.UTC(2026, 10, 29, 12);

function paper(over: Partial<Paper> & Pick<Paper, 'id'>): Paper {
  return {
    title: `Paper ${over.id}`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    url: `https://arxiv.org/abs/${over.id}`,
    source: 'arxiv',
    savedAt: NOW - 10_000,
    updatedAt: NOW - 5_000,
    tags: [],
    status: 'to-read',
    note: '',
    ...over,
  };
}

function ok(r: ImportResult): ImportOk {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r;
}

function error(r: ImportResult): string {
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

const backupOf = (papers: Paper[], tags: Tag[] = []) =>
  toBackup(papers, tags, NOW) as unknown as Record<string, unknown> & { papers: Record<string, unknown>[] };

describe('backup', () => {
  const tags: Tag[] = [{ key: 'llm', name: 'LLM', hue: 12 }];
  const papers = [
    paper({ id: '2106.09685', tags: ['llm'], note: 'hi', status: 'read', abstract: 'A', published: '2021-06-17', version: 'v2', upvotes: 3 }),
    paper({ id: 'hep-th/9901001', thumbnail: 'https://cdn.example/t.png', organization: 'CERN' }),
    paper({ id: '2401.00001', tags: ['orphan'] }),
    paper({ id: '2401.00002' }),
  ];

  it('reads a good backup, and names a tag that has no record by its key', () => {
    const r = ok(parseImport(JSON.stringify(backupOf(papers, tags)), 'papershelf-backup.json'));
    expect(r.source).toBe('backup');
    expect(r.papers).toEqual(papers);
    expect(r.tags).toEqual([...tags, { key: 'orphan', name: 'orphan', hue: expect.any(Number) }]);
  });

  it('reads a backup with a byte order mark and no file name', () => {
    expect(ok(parseImport('\ufeff' + JSON.stringify(backupOf(papers)))).papers).toHaveLength(4);
  });

  it('refuses another version, saying which', () => {
    const b = { ...backupOf(papers), version: 2 };
    expect(error(parseImport(JSON.stringify(b)))).toBe('This backup is version 2; this PaperShelf reads version 1.');
  });

  it.each([
    ['wrong type', (b: ReturnType<typeof backupOf>) => (b.papers[3].title = 5), 'Invalid backup: papers[3].title: expected string, got 5'],
    ['missing field', (b: ReturnType<typeof backupOf>) => delete b.papers[1].status, 'Invalid backup: papers[1].status: missing'],
    ['unknown field', (b: ReturnType<typeof backupOf>) => (b.papers[0].admin = true), 'Invalid backup: papers[0].admin: unknown field'],
    ['bad status', (b: ReturnType<typeof backupOf>) => (b.papers[2].status = 'done'), 'Invalid backup: papers[2].status: expected'],
    ['javascript: url', (b: ReturnType<typeof backupOf>) => (b.papers[0].url = 'javascript:alert(1)'), 'Invalid backup: papers[0].url:'],
    ['bad id', (b: ReturnType<typeof backupOf>) => (b.papers[0].id = '../../etc'), 'Invalid backup: papers[0].id:'],
    ['tag key not a key', (b: ReturnType<typeof backupOf>) => ((b.papers[0].tags as string[])[0] = 'LLM'), 'Invalid backup: papers[0].tags[0]: not a tag key'],
    ['bad hue', (b: ReturnType<typeof backupOf>) => ((b.tags as Tag[])[0].hue = 400), 'Invalid backup: tags[0].hue:'],
    [
      'duplicate id',
      (b: ReturnType<typeof backupOf>) => (b.papers[3].id = '2106.09685'),
      'Invalid backup: papers[3].id: "2106.09685" appears twice (also papers[0])',
    ],
    ['no version', (b: ReturnType<typeof backupOf>) => delete b.version, 'This PaperShelf backup has no version number.'],
  ])('refuses %s, naming the entry and field', (_, spoil, message) => {
    const b = structuredClone(backupOf(papers, tags));
    spoil(b);
    expect(error(parseImport(JSON.stringify(b)))).toContain(message);
  });

  it('refuses __proto__, constructor and prototype keys anywhere, and pollutes nothing', () => {
    const json = JSON.stringify(backupOf(papers)).replace('"note":"hi"', '"note":"hi","__proto__":{"polluted":true}');
    expect(error(parseImport(json))).toBe('This file contains the key "__proto__" (at papers[0].__proto__), which PaperShelf refuses to read.');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(error(parseImport('{"constructor":{"prototype":{"x":1}}}'))).toContain('"constructor"');
    expect(error(parseImport('{"a":{"b":[{"prototype":1}]}}'))).toContain('(at a.b[0].prototype)');
  });

  it('reads an old-style id saved with its subject class as the one paper it is (issue 18)', () => {
    const b = structuredClone(backupOf([paper({ id: 'math/0309136', tags: ['a'] }), paper({ id: '2401.00002' })], [{ key: 'a', name: 'a', hue: 1 }]));
    // As a backup made before: the same paper under its subject class, with a note.
    b.papers.push({ ...b.papers[0], id: 'math.GT/0309136', tags: ['b'], note: 'old note' });
    const r = ok(parseImport(JSON.stringify(b)));
    expect(r.papers.map((p) => p.id)).toEqual(['math/0309136', '2401.00002']);
    expect(r.papers[0]).toMatchObject({ tags: ['a', 'b'], note: 'old note' });
    // Alone, it is simply renamed; two copies under the same id are still refused.
    b.papers.splice(0, 1);
    expect(ok(parseImport(JSON.stringify(b))).papers.map((p) => p.id)).toEqual(['2401.00002', 'math/0309136']);
    b.papers.push(b.papers[0]);
    expect(error(parseImport(JSON.stringify(b)))).toContain('appears twice');
  });

  it('refuses deep nesting', () => {
    const deep = '{"format":"papershelf-backup","version":1,"x":' + '['.repeat(20) + ']'.repeat(20) + '}';
    expect(error(parseImport(deep))).toBe('This file nests deeper than 12 levels (at x[0][0][0][0][0][0][0][0][0][0][0]); PaperShelf refuses to read it.');
    // Far deeper than any stack: refused, never a crash.
    const abyss = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(error(parseImport(abyss))).toMatch(/nests deeper|not valid JSON/);
  });
});

describe('PaperMemory', () => {
  const r = ok(parseImport(fixture('papermemory.json'), 'PaperMemory-data-29.11.2026-12.00.00.json', NOW));
  const byId = new Map(r.papers.map((p) => [p.id, p]));

  it('takes the arXiv entries and skips the others with a reason', () => {
    expect(r.source).toBe('papermemory');
    expect([...byId.keys()].sort()).toEqual(['1706.03762', '2005.14165', '2106.09685', 'hep-th/9711200']);
    expect(r.skipped).toEqual([{ entry: 'NeurIPS-2020_1457c0d6 "Denoising Diffusion Probabilistic Models"', reason: 'not an arXiv paper (source: neurips)' }]);
  });

  it('maps title, authors, tags, note, addDate and year', () => {
    expect(byId.get('2106.09685')).toEqual({
      id: '2106.09685',
      title: 'LoRA: Low-Rank Adaptation of Large Language Models',
      authors: ['Edward J. Hu', 'Yelong Shen', 'Phillip Wallis', 'Zeyuan Allen-Zhu', 'Yuanzhi Li', 'Shean Wang', 'Lu Wang', 'Weizhu Chen'],
      published: '2021-06',
      url: 'https://arxiv.org/abs/2106.09685',
      source: 'arxiv',
      savedAt: Date.parse('2023-03-14T09:26:53.123Z'),
      updatedAt: 0,
      tags: ['llm', 'fine-tuning'],
      status: 'to-read',
      note: 'Published @ ICLR 2022\nRank 4 is enough for GPT-3.',
    });
    expect(byId.get('hep-th/9711200')).toMatchObject({ published: '1997', note: 'AdS/CFT', authors: ['Juan M. Maldacena'] });
    // Entities from PaperMemory's innerHTML are decoded; a bad addDate falls back to now.
    expect(byId.get('2005.14165')).toMatchObject({ title: 'Language Models are Few-Shot Learners & Q&A', savedAt: NOW });
    // "llm" and "LLM" are one tag; the first spelling names it.
    expect(r.tags.map((t) => [t.key, t.name])).toEqual([
      ['llm', 'llm'],
      ['fine-tuning', 'fine-tuning'],
      ['transformers', 'transformers'],
    ]);
    expect(byId.get('1706.03762')!.tags).toEqual(['llm', 'transformers']);
  });

  it('reads the export wrapped as {papers: …} too', () => {
    const wrapped = JSON.stringify({ papers: JSON.parse(fixture('papermemory.json')) });
    expect(ok(parseImport(wrapped)).papers).toHaveLength(4);
  });
});

describe('BibTeX', () => {
  const r = ok(parseImport(fixture('arxiv.bib'), 'refs.bib', NOW));
  const byId = new Map(r.papers.map((p) => [p.id, p]));

  it('takes entries with an arXiv eprint, URL, DOI or Scholar journal, and skips the rest', () => {
    expect(r.source).toBe('bibtex');
    expect([...byId.keys()]).toEqual(['1706.03762', '2302.07001', '2106.09685', '2005.14165']);
    expect(r.skipped).toEqual([
      {
        entry: 'srivastava2014dropout "Dropout: a simple way to prevent neural networks from overfitting"',
        reason: 'no arXiv id (needs eprint with archivePrefix arXiv, an arxiv.org URL or a 10.48550/arXiv DOI)',
      },
    ]);
  });

  it('reads fields, LaTeX accents, math, keywords → tags, note', () => {
    expect(byId.get('1706.03762')).toEqual({
      id: '1706.03762',
      version: 'v7',
      title: 'Attention Is All You Need',
      authors: ['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar'],
      published: '2017',
      url: 'https://arxiv.org/abs/1706.03762',
      source: 'arxiv',
      savedAt: NOW,
      updatedAt: 0,
      tags: ['transformers', 'llm'],
      status: 'to-read',
      note: 'Read section 3.2 twice',
    });
    expect(byId.get('2302.07001')).toMatchObject({
      version: 'v2',
      title: 'Gröbner Bases in $\\mathcal{O}(n^2)$ & Beyond',
      authors: ['Jörg Müller', 'Élodie Dupont'],
      published: '2023-02-14',
      tags: ['algebra'],
    });
    expect(byId.get('2106.09685')).toMatchObject({ authors: ['Edward J. Hu', 'Yelong Shen'], published: '2021' });
    expect(r.tags.map((t) => t.name)).toEqual(['transformers', 'LLM', 'algebra']);
  });

  it('reads a JabRef file with a multi-line @comment', () => {
    const jabref = fixture('arxiv.bib') + '\n@Comment{jabref-meta: grouping:\n0 AllEntriesGroup:;\n1 StaticGroup:Reading\\;0\\;1\\;\\;\\;\\;;\n}\n';
    expect(ok(parseImport(jabref, 'refs.bib')).papers).toHaveLength(4);
  });

  it('refuses unbalanced braces, naming the entry and line', () => {
    expect(error(parseImport(fixture('unbalanced.bib'), 'refs.bib'))).toBe(
      'BibTeX: unbalanced braces: entry "broken2021" (line 7) is not closed before the next entry on line 13.',
    );
    expect(error(parseImport('@misc{a,\n  title = {A}},\n  year = {2020}\n}\n'))).toBe(
      'BibTeX: unbalanced braces: an extra "}" on line 3, after the end of entry "a" (line 1).',
    );
    expect(error(parseImport('@misc{last,\n  title = {Cut off\n'))).toBe(
      'BibTeX: unbalanced braces: entry "last" (line 1) is never closed (a "}" is missing).',
    );
  });

  it('reports other syntax errors with their line and entry', () => {
    expect(error(parseImport('@misc{ok, title={A}}\n\n@misc{bad,\n  title {no equals}\n}\n'))).toMatch(
      /^BibTeX syntax error on line 4 \(entry "bad", line 3\): /,
    );
  });

  it('refuses prototype field names', () => {
    expect(error(parseImport('@misc{a, __proto__ = {x}, eprint={2101.00001}, archivePrefix={arXiv}}'))).toContain('"__proto__"');
  });

  it('refuses prototype names in annotation fields, and pollutes nothing (issue 18)', () => {
    // citation-js kept "+an" annotations in plain objects: this one set Object.prototype.polluted.
    for (const f of ['__proto__+an:polluted', 'title+an:__proto__', 'Constructor', 'prototype+an']) {
      const bib = `@misc{a, title={T}, ${f} = {yes}, eprint={2101.00001}, archivePrefix={arXiv}}`;
      expect(error(parseImport(bib, 'a.bib')), f).toContain('"__proto__"');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A name that only contains one of them is a field like any other.
    expect(ok(parseImport('@misc{a, title={T}, myconstructors = {x}, eprint={2101.00001}, archivePrefix={arXiv}}')).papers).toHaveLength(1);
  });

  it('looks macros up in their own map: a bare constructor is no function (issue 18)', () => {
    const entry = (title: string) => `@misc{a, title = ${title}, eprint={2101.00001}, archivePrefix={arXiv}}`;
    // Undefined macros are empty, as in BibTeX: no title, so skipped; never "function Object() { [native code] }".
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(ok(parseImport(entry(name), 'a.bib', NOW)).skipped, name).toEqual([{ entry: 'a', reason: 'no title' }]);
    }
    expect(ok(parseImport(entry('constructor # { and more}'), 'a.bib', NOW)).papers[0].title).toBe('and more');
    // Defined ones are read, whatever their name; the months are predefined.
    const defined =
      '@string{constructor = {Real}}\n@String{__proto__ = "Title"}\n@misc{a, title = constructor # " " # __proto__, month = jun, year = 2021, eprint={2101.00001}, archivePrefix={arXiv}}';
    expect(ok(parseImport(defined, 'a.bib', NOW)).papers[0]).toMatchObject({ title: 'Real Title', published: '2021-06' });
    expect(Object.hasOwn(Object.prototype, 'constructor') && typeof Object.prototype.constructor).toBe('function');
  });

  it('refuses @string macros that expand past twice the file (issue 18)', () => {
    // Each doubling the last: 2^40 characters from a few hundred.
    const doubling = Array.from({ length: 40 }, (_, i) => `@string{m${i + 1} = m${i} # m${i}}`).join('\n');
    const bib = `@string{m0 = {ab}}\n${doubling}\n@misc{a, title = m40, eprint={2101.00001}, archivePrefix={arXiv}}`;
    expect(error(parseImport(bib, 'a.bib'))).toMatch(
      /^BibTeX syntax error on line \d+ \(entry "@string", line \d+\): the values, with their @string macros, add up to more than \d+ characters$/,
    );
    // Ordinary use, a macro per entry, is far from it.
    const journals = '@string{pami = {IEEE Transactions on Pattern Analysis and Machine Intelligence}}\n';
    const entries = Array.from(
      { length: 500 },
      (_, i) => `@article{k${i}, title={T${i}}, journal=pami, eprint={2101.${String(10000 + i)}}, archivePrefix={arXiv}}`,
    ).join('\n');
    expect(ok(parseImport(journals + entries, 'a.bib')).papers).toHaveLength(500);
  });

  it('an unclosed @comment{ ends the file; an entry after it is reported (issue 18)', () => {
    const entry = '@misc{a, title={T}, eprint={2101.00001}, archivePrefix={arXiv}}\n';
    expect(
      ok(parseImport(entry + '@comment{ never closed\nso all this is { comment\nand @misc{b, is not at the start of a line}\n', 'a.bib')).papers,
    ).toHaveLength(1);
    expect(error(parseImport(entry + '@comment{ never closed\n\n' + entry, 'a.bib'))).toBe(
      'BibTeX: unbalanced braces: entry "@comment" (line 2) is not closed before the next entry on line 4.',
    );
    // Closed ones, one line or many, are skipped whole, @ and all; a comment line too.
    expect(
      ok(parseImport('@comment{a {b} @misc{x, y}\n}\n% @misc{k, title={Not me}, eprint={2101.00002}, archivePrefix={arXiv}}\n' + entry, 'a.bib')).papers.map(
        (p) => p.id,
      ),
    ).toEqual(['2101.00001']);
  });

  it('skips an entry with braces nested absurdly deep, with a reason', () => {
    const deep = `@misc{d, title={${'{'.repeat(100)}x${'}'.repeat(100)}}, eprint={2101.00002}, archivePrefix={arXiv}}`;
    const r = ok(parseImport(`${deep}\n@misc{a, title={{{Fine}}}, eprint={2101.00001}, archivePrefix={arXiv}}`, 'a.bib'));
    expect(r.papers.map((p) => p.title)).toEqual(['Fine']);
    expect(r.skipped).toEqual([{ entry: expect.stringMatching(/^d "\{+"$/), reason: 'unreadable: braces nested deeper than 32 levels' }]);
  });

  it('a paper with more keywords than a paper may have tags is skipped, and its keywords make no tags', () => {
    const many = Array.from({ length: 1500 }, (_, i) => `k${i}`).join(', ');
    const r = ok(
      parseImport(
        `@misc{m, title={M}, keywords={${many}}, eprint={2101.00002}, archivePrefix={arXiv}}\n@misc{a, title={T}, keywords={kept}, eprint={2101.00001}, archivePrefix={arXiv}}`,
        'a.bib',
      ),
    );
    expect(r.papers.map((p) => p.id)).toEqual(['2101.00001']);
    expect(r.skipped[0].reason).toMatch(/^tags: /);
    expect(r.tags.map((t) => t.key)).toEqual(['kept']);
  });

  it('cuts a field far past what a paper keeps before converting it, keeping its start', () => {
    const abstract = "Caf{\\'e} $x^2$ ".repeat(10_000);
    const p = ok(parseImport(`@misc{a, title={T}, abstract={${abstract}}, eprint={2101.00001}, archivePrefix={arXiv}}`, 'a.bib')).papers[0];
    expect(p.abstract).toHaveLength(20_000);
    expect(p.abstract!.startsWith('Café $x^2$ Café $x^2$ ')).toBe(true);
  });

  it('reads the note from annote (our export), else from note', () => {
    const bib = (id: string, fields: string) =>
      ok(parseImport(`@misc{k, title={T}, eprint={${id}}, archivePrefix={arXiv}, ${fields}}`, 'a.bib', NOW)).papers[0].note;
    expect(bib('2101.00001', 'annote={mine}')).toBe('mine');
    expect(bib('2101.00001', 'note={from elsewhere}')).toBe('from elsewhere');
    // Both: annote is the reader's note; note is what a style would print (e.g. "Accepted at ICLR").
    expect(bib('2101.00001', 'note={Accepted at ICLR}, annote={mine}')).toBe('mine');
    expect(bib('2101.00001', 'note={Accepted at ICLR}, annote={}')).toBe('Accepted at ICLR');
    // LaTeX in either goes through the same conversion, math kept.
    expect(bib('2101.00001', "annote={Caf{\\'e}: see $O(n)$}")).toBe('Café: see $O(n)$');
  });

  it('reads an old-style eprint with or without its subject class as one paper (issue 18)', () => {
    const bib = '@misc{a, title={Knots}, eprint={math.GT/0309136v2}, archivePrefix={arXiv}}\n@misc{b, title={Knots}, url={https://arxiv.org/abs/math/0309136}}';
    expect(ok(parseImport(bib, 'a.bib')).papers.map((p) => [p.id, p.version, p.url])).toEqual([['math/0309136', 'v2', 'https://arxiv.org/abs/math/0309136']]);
  });

  it('merges the same paper given twice', () => {
    const twice =
      '@misc{a, title={T}, eprint={2101.00001}, archivePrefix={arXiv}, keywords={x}}\n@misc{b, title={T}, url={https://arxiv.org/abs/2101.00001}, keywords={y}, note={n}}';
    const t = ok(parseImport(twice));
    expect(t.papers).toHaveLength(1);
    expect(t.papers[0]).toMatchObject({ tags: ['x', 'y'], note: 'n' });
  });
});

describe('bad input', () => {
  it.each([
    ['plain text', 'hello world', /none of them/],
    ['empty', '  \n', /empty/],
    ['broken JSON', '{"format": "papershelf-backup", ', /^This file is not valid JSON: /],
    ['a JSON array', '[1, 2]', /not an object/],
    ['some other JSON', '{"format": "zotero", "items": []}', /"zotero" file, not a PaperShelf backup/],
    ['JSON of something else', '{"name": "x", "version": 3}', /not a PaperShelf backup or a PaperMemory export/],
    ['a .bib file with no entries', 'just words', /No BibTeX entries/],
  ])('%s', (_, text, message) => {
    expect(error(parseImport(text, _ === 'a .bib file with no entries' ? 'x.bib' : 'x'))).toMatch(message);
  });

  it('refuses oversize files before reading and after', () => {
    expect(checkSize(1024)).toBeNull();
    expect(checkSize(MAX_IMPORT_BYTES)).toBeNull();
    expect(checkSize(50 * 1024 * 1024)).toBe('This file is 50.0 MB; PaperShelf imports files up to 20.0 MB.');
    expect(error(parseImport(' '.repeat(MAX_IMPORT_BYTES + 1)))).toMatch(/up to 20\.0 MB/);
  });
});

describe('planMerge', () => {
  const existingTags: Tag[] = [{ key: 'llm', name: 'LLM', hue: 1 }];
  const existing = [
    paper({ id: '2101.00001', tags: ['llm'], note: 'old note', status: 'reading', updatedAt: 1000, savedAt: 500 }),
    paper({ id: '2101.00002', tags: ['llm'], note: 'mine is newer', status: 'read', updatedAt: 9000, abstract: 'kept' }),
    paper({ id: '2101.00003', note: 'same text', updatedAt: 1000 }),
    paper({ id: '2101.00004', note: 'untouched' }),
  ];
  const incoming: ImportOk = {
    ok: true,
    source: 'backup',
    papers: [
      paper({ id: '2101.00001', tags: ['new', 'llm'], note: 'new note', status: 'read', updatedAt: 2000, savedAt: 100, abstract: 'filled in', upvotes: 7 }),
      paper({ id: '2101.00002', tags: ['other'], note: 'older note', status: 'to-read', updatedAt: 100, abstract: 'not used' }),
      paper({ id: '2101.00003', note: '  same\n text ', updatedAt: 5000 }),
      paper({ id: '2101.00005', tags: ['new'], updatedAt: 0, savedAt: 300 }),
    ],
    tags: [
      { key: 'llm', name: 'llm (theirs)', hue: 99 },
      { key: 'new', name: 'New', hue: 5 },
      { key: 'other', name: 'Other', hue: 6 },
    ],
    skipped: [{ entry: 'x', reason: 'y' }],
  };
  const plan = planMerge(existing, existingTags, incoming, NOW);
  const updated = new Map(plan.update.map((p) => [p.id, p]));

  it('adds new papers and counts unchanged ones', () => {
    // An import is the user's write of now: the new paper's fields carry NOW, so an older removal or copy elsewhere cannot undo it.
    expect(plan.add).toEqual([{ ...incoming.papers[3], updatedAt: NOW, fieldsAt: { tags: NOW, status: NOW, note: NOW } }]);
    expect(plan.unchanged).toBe(1);
    expect(plan.skipped).toEqual(incoming.skipped);
    expect(plan.update.map((p) => p.id)).toEqual(['2101.00001', '2101.00002']);
  });

  it('keeps the union of tags, the newer note and status, the earliest savedAt, and fills gaps', () => {
    expect(updated.get('2101.00001')).toMatchObject({
      tags: ['llm', 'new'],
      note: 'new note',
      status: 'read',
      savedAt: 100,
      abstract: 'filled in',
      upvotes: 7,
      updatedAt: NOW,
    });
    expect(updated.get('2101.00002')).toMatchObject({ tags: ['llm', 'other'], note: 'mine is newer', status: 'read', abstract: 'kept' });
  });

  it('drops nothing: every existing paper, tag and note is still there', () => {
    const after = new Map(existing.map((p) => [p.id, p]));
    for (const p of [...plan.add, ...plan.update]) after.set(p.id, p);
    expect(after.size).toBe(5);
    for (const p of existing) {
      const q = after.get(p.id)!;
      expect(q.tags).toEqual(expect.arrayContaining(p.tags));
      expect(q.note.trim()).not.toBe('');
    }
    expect(plan.tags).toEqual([existingTags[0], incoming.tags[1], incoming.tags[2]]);
  });

  it('an import without edit times (BibTeX) never replaces a status or note set here', () => {
    const bib = ok(parseImport('@misc{k, title={T}, eprint={2101.00002}, archivePrefix={arXiv}, note={from the file}, keywords={bib}}', 'a.bib', NOW));
    const p = planMerge(existing, existingTags, bib, NOW);
    expect(p.update[0]).toMatchObject({ id: '2101.00002', status: 'read', note: 'mine is newer', tags: ['llm', 'bib'] });
    // …but fills an empty note.
    const q = planMerge([paper({ id: '2101.00002', updatedAt: 9000 })], [], bib, NOW);
    expect(q.update[0].note).toBe('from the file');
  });

  it('importing a backup of the shelf into itself changes nothing', () => {
    const again = ok(parseImport(JSON.stringify(toBackup(existing, existingTags, NOW))));
    const p = planMerge(existing, existingTags, again, NOW);
    expect(p).toMatchObject({ add: [], update: [], unchanged: 4, tags: existingTags });
  });
});

// Timings are printed, not asserted (docs/architecture.md: budgets are checked by `npm run bench` in a
// real browser). Run with BENCH=1 to print them; the 10,000-paper backup always runs.
describe('10,000 papers', () => {
  const N = 10_000;
  const tags: Tag[] = Array.from({ length: 50 }, (_, i) => ({ key: `tag ${i}`, name: `Tag ${i}`, hue: i }));
  const many: Paper[] = Array.from({ length: N }, (_, i) => {
    const id = `${String(2001 + (i % 12)).padStart(4, '0')}.${String(10000 + i).padStart(5, '0')}`;
    return paper({
      id,
      title: `Scaling $\\mathcal{O}(n)$ Transformers & Müller's Trick, part ${i}`,
      authors: ['Hans Müller', 'Zoë Ångström', 'Jean de la Fontaine', 'Li Wei', 'Ada Lovelace'],
      abstract: 'We study things. '.repeat(60),
      published: '2020-01-15',
      tags: [`tag ${i % 50}`, `tag ${(i * 7) % 50}`].filter((k, j, a) => a.indexOf(k) === j),
      note: i % 3 ? '' : 'A note with 5% & more.',
      savedAt: NOW - i,
    });
  });

  it('a 10,000-paper backup imports and merges', { timeout: 60_000 }, () => {
    const r = ok(parseImport(JSON.stringify(toBackup(many, tags, NOW)), 'b.json', NOW));
    expect(r.papers).toHaveLength(N);
    expect(planMerge(many, tags, r, NOW)).toMatchObject({ add: [], update: [], unchanged: N });
  });

  it.skipIf(!process.env.BENCH)('measures export and import time', { timeout: 120_000 }, () => {
    // Wall time, and this process's CPU time (steadier on a loaded machine).
    const time = <T>(fn: () => T): [T, string] => {
      const c = process.cpuUsage();
      const t = performance.now();
      const out = fn();
      const wall = performance.now() - t;
      const cpu = process.cpuUsage(c);
      return [out, `${wall.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`];
    };
    const [bib, tBib] = time(() => toBibTeX(many, tags));
    const backupJson = JSON.stringify(toBackup(many, tags, NOW));
    const [backup, tBackup] = time(() => parseImport(backupJson, 'b.json', NOW));
    const [plan, tPlan] = time(() => planMerge(many.slice(0, N / 2), tags, ok(backup), NOW));
    const [fromBib, tFromBib] = time(() => parseImport(bib, 'b.bib', NOW));
    console.log(
      [
        `toBibTeX, ${N} papers: ${tBib} (${(bib.length / 1e6).toFixed(1)} MB)`,
        `parseImport of a ${N}-paper backup: ${tBackup} (${(backupJson.length / 1e6).toFixed(1)} MB)`,
        `planMerge of ${N} into ${N / 2}: ${tPlan}`,
        `parseImport of the ${N}-entry BibTeX: ${tFromBib}`,
      ].join('\n'),
    );
    expect(ok(backup).papers).toHaveLength(N);
    expect(plan.add).toHaveLength(N / 2);
    expect(plan.unchanged).toBe(N / 2);
    expect(ok(fromBib).papers).toHaveLength(N);
  });
});

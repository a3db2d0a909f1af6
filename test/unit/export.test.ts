/**
 * Exporters, each read back by a real parser: BibTeX by @retorquere/bibtex-parser
 * (Better BibTeX's parser) and by our importer (citation-js), CSL-JSON by
 * citation-js, CSV by papaparse.
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { parse as parseBib } from '@retorquere/bibtex-parser';
// @citation-js/* ship no type declarations.
// @ts-expect-error TS7016
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-csl';
import { BACKUP_VERSION, citationKeys, exportFileName, splitName, toBackup, toBibTeX, toCslJson, toCsv, toMarkdown } from '../../src/library/export';
import { parseImport } from '../../src/library/import';
import { openShelf } from '../../src/library/db';
import { EXPORT_CHUNK, exportBlob, exportParts, paperRecords } from '../../src/library/export-stream';
import { importLibrary } from '../../src/library/import-write';
import { readFull } from '../../src/library/write';
import type { Paper, Tag } from '../../src/shared/model';

const NOW = Date.UTC(2026, 10, 29, 12);

function paper(over: Partial<Paper> & Pick<Paper, 'id' | 'title'>): Paper {
  return {
    authors: ['Ada Lovelace'],
    url: `https://huggingface.co/papers/${over.id}`,
    source: 'hf',
    savedAt: NOW - 1000,
    updatedAt: NOW - 500,
    tags: [],
    status: 'to-read',
    note: '',
    ...over,
  };
}

const tags: Tag[] = [
  { key: 'llm', name: 'LLM', hue: 10 },
  { key: 'théorie', name: 'Théorie', hue: 200 },
  { key: 'a, b', name: 'A, B', hue: 300 },
];

/** Titles with every character class that needs escaping, and no math. */
const PLAIN_TITLES = [
  'Café Über Straße: Zoë’s Ångström-Scale Study',
  'R&D at 100% of {Braces} and a_b #1',
  'Tilde ~ and caret ^ and back\\slash',
  "Dashes -- and --- and quotes `` and '' <angle> brackets",
  'A lone { brace',
  'Costs $5 and $6, not math',
  'GPT-4 and LLaMA on iPhone, 3D T5',
];
const MATH_TITLE = 'Sorting in $\\mathcal{O}(n)$ Time: Müller & 50% Less_Memory';

const papers: Paper[] = [
  paper({
    id: '2106.09685',
    title: MATH_TITLE,
    authors: ['Hans Müller', 'Zoë Ångström', 'Jean de la Fontaine', 'OpenAI'],
    published: '2021-06-17',
    abstract: 'We show $x^2$ & more.\nSecond line with 5% and é.',
    tags: ['llm', 'théorie'],
    note: 'Great paper: see §3 & the $O(n)$ bound.',
    status: 'read',
  }),
  ...PLAIN_TITLES.map((title, i) =>
    paper({ id: `2301.0000${i + 1}`, title, authors: ['José Núñez', 'Li Wei'], savedAt: NOW - 100 + i, tags: i === 1 ? ['a, b'] : [] }),
  ),
  paper({ id: 'hep-th/9901001', title: 'Old Style', authors: ['Ed Witten'], tags: ['llm'] }),
];

describe('toBibTeX read back by @retorquere/bibtex-parser', () => {
  const bib = toBibTeX(papers, tags);
  // english: false — no sentence-casing and no case-protection markup, text as written.
  // unsupported: 'ignore' — the parser knows no \mathcal (a real LaTeX macro) and would report it.
  const lib = parseBib(bib, { english: false, unsupported: 'ignore' });
  const byId = new Map(lib.entries.map((e) => [e.fields.eprint as string, e]));

  it('parses every entry without errors', () => {
    expect(lib.errors).toEqual([]);
    expect(lib.entries).toHaveLength(papers.length);
  });

  it.each(PLAIN_TITLES.map((t, i) => [t, `2301.0000${i + 1}`]))('title round-trips exactly: %s', (title, id) => {
    expect(byId.get(id)!.fields.title).toBe(title);
  });

  it('keeps $math$ as math, the rest as text', () => {
    // The raw field holds the math span as written (not escaped to \$\mathcal\{O\}…).
    const raw = parseBib(bib, { english: false, raw: true }).entries.find((e) => e.fields.eprint === '2106.09685')!;
    expect(raw.fields.title).toContain('$\\mathcal{O}(n)$');
    // The parser renders it as math (x^2 → x²), so it is math, not text.
    const e = byId.get('2106.09685')!;
    expect(e.fields.abstract).toContain('x²');
    expect(e.fields.title).toBe('Sorting in O(n) Time: Müller & 50% Less_Memory');
  });

  it('writes arXiv fields, authors, dates, keywords and the note as annote', () => {
    const e = byId.get('2106.09685')!;
    expect(e.type).toBe('misc');
    expect(e.fields.archiveprefix).toBe('arXiv');
    expect(e.fields.url).toBe('https://arxiv.org/abs/2106.09685');
    expect(e.fields.year).toBe('2021');
    expect(e.fields.month).toBe('6');
    expect(e.fields.primaryclass).toBeUndefined();
    expect(e.fields.keywords).toEqual(expect.arrayContaining(['LLM', 'Théorie']));
    // `annote`, not `note`: standard styles print `note` in the reference list; the note is the reader's own.
    expect(e.fields.annote).toBe('Great paper: see §3 & the O(n) bound.');
    expect(e.fields.note).toBeUndefined();
    expect(bib).not.toMatch(/^\s*note\s*=/m);
    const names = e.fields.author!.map((a) => a.name ?? [a.firstName, a.prefix, a.lastName].filter(Boolean).join(' '));
    expect(names).toEqual(['Hans Müller', 'Zoë Ångström', 'Jean de la Fontaine', 'OpenAI']);
    expect(byId.get('hep-th/9901001')!.fields.primaryclass).toBe('hep-th');
    // No published date: year and month from the id.
    expect(byId.get('2301.00001')!.fields.year).toBe('2023');
    expect(byId.get('2301.00001')!.fields.month).toBe('1');
    // Readers split keywords at every comma and ";": a tag name's comma is written as " / ".
    expect(byId.get('2301.00002')!.fields.keywords).toEqual(['A / B']);
  });

  it('round-trips through our own importer (citation-js) to the same text, math included', () => {
    const r = parseImport(bib, 'x.bib', NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.skipped).toEqual([]);
    const got = new Map(r.papers.map((p) => [p.id, p]));
    for (const p of papers) {
      const q = got.get(p.id)!;
      expect(q.title).toBe(p.title);
      expect(q.authors).toEqual(p.authors);
      expect(q.note).toBe(p.note);
      const names = p.tags.map((k) => tags.find((t) => t.key === k)!.name.replace(', ', ' / '));
      expect(q.tags.map((k) => r.tags.find((t) => t.key === k)!.name)).toEqual(names);
    }
    expect(got.get('2106.09685')!.abstract).toBe('We show $x^2$ & more. Second line with 5% and é.');
    expect(got.get('2106.09685')!.published).toBe('2021-06');
  });
});

describe('citation keys', () => {
  it('are lowercase ASCII author+year+first title word, suffixed on clash in saving order', () => {
    const a = paper({ id: '2101.00001', title: 'The Attention Trick', authors: ['Zoë Müller-Łącki'], published: '2021-01-01', savedAt: 3 });
    const b = paper({ id: '2101.00002', title: 'Attention, again', authors: ['Zoe Muller-Lacki'], published: '2021-02-01', savedAt: 1 });
    const c = paper({ id: '2101.00003', title: 'attention³', authors: ['Zoë Müller-Łącki'], published: '2021-03-01', savedAt: 2 });
    const d = paper({ id: '2101.00004', title: '$\\alpha$-Divergence', authors: ['王小明'], published: '2021-03-01' });
    const keys = citationKeys([a, b, c, d]);
    expect(keys.get('2101.00002')).toBe('mullerlacki2021attention');
    expect(keys.get('2101.00003')).toBe('mullerlacki2021attentiona');
    expect(keys.get('2101.00001')).toBe('mullerlacki2021attentionb');
    expect(keys.get('2101.00004')).toBe('anon2021divergence');
    expect(new Set(keys.values()).size).toBe(4);
  });
});

describe('toCslJson read by citation-js', () => {
  const json = toCslJson(papers, tags);
  const items = JSON.parse(json);

  // The first bibliography pays for loading citeproc and the APA style (seconds).
  it('is CSL that citation-js reads and formats', { timeout: 30_000 }, () => {
    const cite = new Cite(items);
    expect(cite.data).toHaveLength(papers.length);
    expect(cite.data[0].title).toBe(MATH_TITLE);
    const apa: string = cite.format('bibliography', { template: 'apa', format: 'text' });
    expect(apa).toContain('(arXiv:2106.09685). arXiv. https://doi.org/10.48550/arXiv.2106.09685');
    expect(apa).toContain('Müller, H.');
    const bib: string = cite.format('bibtex');
    expect(bib).toContain('10.48550/arXiv.2106.09685');
  });

  it('has the arXiv fields and sensible names', () => {
    const it0 = items[0];
    expect(it0).toMatchObject({
      type: 'article',
      id: citationKeys(papers).get('2106.09685'),
      URL: 'https://arxiv.org/abs/2106.09685',
      number: 'arXiv:2106.09685',
      publisher: 'arXiv',
      DOI: '10.48550/arXiv.2106.09685',
      issued: { 'date-parts': [[2021, 6, 17]] },
      keyword: 'LLM, Théorie',
    });
    expect(it0.author).toEqual([
      { family: 'Müller', given: 'Hans' },
      { family: 'Ångström', given: 'Zoë' },
      { family: 'Fontaine', given: 'Jean', 'non-dropping-particle': 'de la' },
      { literal: 'OpenAI' },
    ]);
    expect(splitName('Martin Luther King Jr.')).toEqual({ given: 'Martin Luther', family: 'King', suffix: 'Jr.' });
    expect(splitName('Smith, John')).toEqual({ family: 'Smith', given: 'John' });
  });
});

describe('toCsv read back by papaparse', () => {
  const hostile = paper({
    id: '2401.00001',
    title: '=HYPERLINK("http://evil.example","click")',
    authors: ['+Plus', '-Minus'],
    note: '@SUM(1+1)\nsecond line, with "quotes"',
    tags: ['llm'],
  });
  const multiline = paper({ id: '2401.00002', title: 'Fine', note: '=1+1\n=2+2' });
  const csv = toCsv([papers[0], hostile, multiline], tags);
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });

  it('has the columns and one row per paper', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual(['id', 'title', 'authors', 'published', 'status', 'tags', 'note', 'url', 'pdf', 'savedAt']);
    expect(parsed.data).toHaveLength(3);
    expect(parsed.data[0]).toEqual({
      id: '2106.09685',
      title: MATH_TITLE,
      authors: 'Hans Müller; Zoë Ångström; Jean de la Fontaine; OpenAI',
      published: '2021-06-17',
      status: 'read',
      tags: 'LLM; Théorie',
      note: 'Great paper: see §3 & the $O(n)$ bound.',
      url: 'https://arxiv.org/abs/2106.09685',
      pdf: 'https://arxiv.org/pdf/2106.09685',
      savedAt: new Date(NOW - 1000).toISOString(),
    });
  });

  it('neutralises formulas, also in multi-line cells', () => {
    expect(parsed.data[1].title).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(parsed.data[1].authors).toBe("'+Plus; -Minus");
    expect(parsed.data[1].note).toBe(`'@SUM(1+1)\nsecond line, with "quotes"`);
    expect(parsed.data[2].note).toBe("'=1+1\n=2+2");
    expect(csv.startsWith('\ufeff')).toBe(true);
  });
});

describe('toMarkdown', () => {
  const md = toMarkdown(
    [
      papers[0],
      paper({
        id: '2402.00001',
        title: 'Stars *and* _under_ [links](x) <b>html</b> `code` ~~strike~~ $math$ & | #',
        authors: ['A*B'],
        published: '2024-02-01',
        tags: ['llm'],
      }),
      paper({ id: '2402.00002', title: 'Untagged one', authors: ['A', 'B', 'C', 'D'], note: 'line one\n\n<script>x</script>' }),
    ],
    tags,
  );

  it('groups by tag, a paper under each of its tags, untagged last', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## LLM', '## Théorie', '## Untagged']);
    expect(md.match(/arxiv\.org\/abs\/2106\.09685/g)).toHaveLength(2);
  });

  it('writes link, authors, year and the note as an indented quote', () => {
    expect(md).toContain(
      '- [Sorting in \\$\\\\mathcal{O}(n)\\$ Time: Müller \\& 50% Less\\_Memory](https://arxiv.org/abs/2106.09685) — Hans Müller, Zoë Ångström, Jean de la Fontaine et al. (2021)\n  > Great paper',
    );
    expect(md).toContain('— A, B, C et al. (2024)\n  > line one\n  >\n  > &lt;script>x&lt;/script>');
  });

  it('escapes Markdown in titles so they render as text', () => {
    expect(md).toContain(
      '[Stars \\*and\\* \\_under\\_ \\[links\\](x) \\<b\\>html\\</b\\> \\`code\\` \\~\\~strike\\~\\~ \\$math\\$ \\& \\| \\#](https://arxiv.org/abs/2402.00001) — A\\*B (2024)',
    );
  });
});

describe('toBackup', () => {
  it('round-trips through parseImport to the same papers and tags', () => {
    const backup = toBackup(papers, tags, NOW);
    expect(backup).toMatchObject({ format: 'papershelf-backup', version: BACKUP_VERSION, exportedAt: '2026-11-29T12:00:00.000Z' });
    const r = parseImport(JSON.stringify(backup), 'b.json');
    expect(r).toEqual({ ok: true, source: 'backup', papers, tags, skipped: [] });
  });
});

describe('exportFileName', () => {
  const d = new Date(2026, 10, 29, 23, 59);
  it.each([
    ['bibtex', 'papershelf-2026-11-29.bib'],
    ['csl', 'papershelf-2026-11-29.csl.json'],
    ['csv', 'papershelf-2026-11-29.csv'],
    ['markdown', 'papershelf-2026-11-29.md'],
    ['backup', 'papershelf-backup-2026-11-29.json'],
  ] as const)('%s → %s', (format, name) => expect(exportFileName(format, d)).toBe(name));
});

describe('exportParts: an export a chunk at a time', () => {
  // More than two chunks, abstracts on some papers only, every awkward title of the fixtures.
  const many = Array.from({ length: 2 * EXPORT_CHUNK + 345 }, (_, i) => {
    const p = papers[i % papers.length];
    const id = `24${String(1 + (i % 12)).padStart(2, '0')}.${String(i).padStart(5, '0')}`;
    const { abstract, ...rest } = p;
    return { ...rest, id, savedAt: NOW - (i % 500), ...(i % 3 ? { abstract: abstract ?? `Abstract ${i} with 5% & {braces}.` } : {}) };
  });

  // 2,345 papers on fake-indexeddb, exported twice: seconds on a loaded machine, past the default 5 s.
  it.each(['bibtex', 'csl', 'csv', 'markdown', 'backup'] as const)('%s is exactly the whole-file export', { timeout: 30_000 }, async (format) => {
    const db = await openShelf(`export-parts-${format}`);
    await (await importLibrary(db, many, tags, NOW)).indexed;
    const whole = await readFull(db);
    const expected = {
      bibtex: () => toBibTeX(whole, tags),
      csl: () => toCslJson(whole, tags),
      csv: () => toCsv(whole, tags),
      markdown: () => toMarkdown(whole, tags),
      backup: () => JSON.stringify(toBackup(whole, tags, NOW), null, 1),
    }[format]();
    const records = await paperRecords(db);
    expect(records.map((p) => p.id)).toEqual(whole.map((p) => p.id));
    expect(records.some((p) => 'abstract' in p)).toBe(false);
    const parts = await exportParts(db, records, tags, format, NOW);
    expect(parts.join('')).toBe(expected);
    // Written in parts where the format holds abstracts, and only then.
    expect(parts.length > 1).toBe(format !== 'csv' && format !== 'markdown');
    // The file the options page downloads: the same bytes, each part made bytes as it was written.
    const file = await exportBlob(db, records, tags, format, 'text/plain;charset=utf-8', NOW);
    expect(file.type).toBe('text/plain;charset=utf-8');
    const bytes = await file.arrayBuffer();
    expect(bytes.byteLength).toBe(new TextEncoder().encode(expected).byteLength);
    expect(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)).toBe(expected);
    db.close();
  });
});

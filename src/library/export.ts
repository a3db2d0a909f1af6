/**
 * Export: pure functions from the shelf to the text of a file (issue 5).
 * Papers carry tag keys; the display names come from the tags store, so every
 * exporter takes both. Nothing here touches the database or the DOM.
 */
import Papa from 'papaparse';
import { absUrl, pdfUrl, type Paper, type Tag } from '../shared/model';
import { t } from '../shared/i18n';

export type ExportFormat = 'bibtex' | 'csl' | 'csv' | 'markdown' | 'backup';

export const BACKUP_FORMAT = 'papershelf-backup';
export const BACKUP_VERSION = 1;

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  /** ISO timestamp of the export. */
  exportedAt: string;
  papers: Paper[];
  tags: Tag[];
}

// ---------------------------------------------------------------- shared helpers

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Year and month of a paper: from `published`, else from the arXiv id (YYMM). */
export function paperDate(p: Pick<Paper, 'id' | 'published'>): { year?: number; month?: number; day?: number } {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(p.published ?? '');
  if (m) {
    const month = m[2] ? Number(m[2]) : undefined;
    const day = m[3] ? Number(m[3]) : undefined;
    return { year: Number(m[1]), month: month && month <= 12 ? month : undefined, day: day && day <= 31 ? day : undefined };
  }
  // New-style ids start with YYMM (0704 onwards, so always 20YY); old-style ones end in YYMMNNN.
  const yymm = /^(\d{2})(\d{2})\./.exec(p.id) ?? /\/(\d{2})(\d{2})\d{3}$/.exec(p.id);
  if (!yymm) return {};
  const yy = Number(yymm[1]);
  const month = Number(yymm[2]);
  const year = p.id.includes('/') && yy >= 91 ? 1900 + yy : 2000 + yy;
  return month >= 1 && month <= 12 ? { year, month } : { year };
}

/** The primary category when the id itself says it (old-style ids: "hep-th/9901001", "math.GT/0309136"). */
function primaryClass(id: string): string | undefined {
  const slash = id.indexOf('/');
  return slash > 0 ? id.slice(0, slash) : undefined;
}

function tagNameMap(tags: Tag[]): Map<string, string> {
  return new Map(tags.map((t) => [t.key, t.name]));
}

const tagNamesOf = (p: Paper, names: Map<string, string>) => p.tags.map((k) => names.get(k) ?? k);

// Replaces only runs that are not already a single space: one scan, no copy for clean text.
const oneLine = (s: string | undefined) => (s ?? '').replace(/\s{2,}|[^\S ]/g, ' ').trim();

// Letters NFD does not decompose into a base letter plus marks.
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŋ: 'n' };

/** Lowercase ASCII letters and digits only, accents folded ("Müller" → "muller"). */
function asciiWord(s: string): string {
  if (/^[A-Za-z0-9]*$/.test(s)) return s.toLowerCase();
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßæœøłđðþıŋ]/g, (c) => FOLD[c])
    .replace(/[^a-z0-9]/g, '');
}

const NAME_SUFFIX = /^(jr\.?|sr\.?|ii|iii|iv)$/i;
const PARTICLES = new Set(['von', 'van', 'de', 'der', 'den', 'la', 'le', 'du', 'di', 'da', 'dos', 'das', 'del', 'della', 'des', 'ten', 'ter', 'zu', 'zur', 'bin', 'al', 'el', "d'"]);

interface NameParts {
  given?: string;
  particle?: string;
  family?: string;
  suffix?: string;
  /** One-word or unsplittable names (organisations, mononyms). */
  literal?: string;
}

/**
 * Splits a display name ("Jean de la Fontaine", "Smith, John", "Martin Luther King Jr.")
 * into given / particle / family / suffix; a one-word name stays literal.
 */
export function splitName(name: string): NameParts {
  const clean = oneLine(name);
  if (clean.includes(',')) {
    const [family, ...rest] = clean.split(',').map((s) => s.trim());
    const given = rest.filter((r) => !NAME_SUFFIX.test(r)).join(' ');
    const suffix = rest.find((r) => NAME_SUFFIX.test(r));
    if (family && given) return { family, given, ...(suffix ? { suffix } : {}) };
  }
  const words = clean.split(' ').filter(Boolean);
  let suffix: string | undefined;
  if (words.length > 2 && NAME_SUFFIX.test(words[words.length - 1])) suffix = words.pop();
  if (words.length < 2) return { literal: clean };
  const family = words.pop()!;
  const particles: string[] = [];
  while (words.length > 1 && PARTICLES.has(words[words.length - 1])) particles.unshift(words.pop()!);
  return { given: words.join(' '), family, ...(particles.length ? { particle: particles.join(' ') } : {}), ...(suffix ? { suffix } : {}) };
}

const STOP_WORDS = new Set(['a', 'an', 'the', 'on', 'of', 'in', 'for', 'to', 'and', 'or', 'with', 'at', 'by', 'from', 'via', 'is', 'are']);

function keyBase(p: Paper): string {
  const first = p.authors[0];
  let last = '';
  if (first) {
    const parts = splitName(first);
    last = asciiWord(parts.family ?? parts.literal ?? '');
  }
  const { year } = paperDate(p);
  // Words of the title outside math and TeX commands ("$\mathcal{O}(n)$ Sorting" → "sorting").
  let word = '';
  for (const w of p.title.replace(/\$[^$]*\$|\\[a-zA-Z]+/g, ' ').split(/[\s\-–—:;,.!?/()[\]{}"'`]+/)) {
    const a = asciiWord(w);
    if (!a) continue;
    word ||= a;
    if (!STOP_WORDS.has(a)) {
      word = a;
      break;
    }
  }
  return `${last || 'anon'}${year ?? ''}${word}`;
}

/** a, b, …, z, aa, ab, … */
function suffix(n: number): string {
  let s = '';
  for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Citation keys `<firstauthorlastname><year><firstTitleWord>`, unique within the export.
 * On a clash the paper saved first keeps the plain key and later ones get a, b, c…, so
 * exporting again after saving more papers does not rename keys already cited.
 */
export function citationKeys(papers: Paper[]): Map<string, string> {
  const order = [...papers].sort((a, b) => a.savedAt - b.savedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const used = new Set<string>();
  const keys = new Map<string, string>();
  const clashes = new Map<string, number>();
  for (const p of order) {
    if (keys.has(p.id)) continue;
    const base = keyBase(p);
    let key = base;
    if (used.has(key)) {
      let n = clashes.get(base) ?? 0;
      do key = base + suffix(n++);
      while (used.has(key));
      clashes.set(base, n);
    }
    used.add(key);
    keys.set(p.id, key);
  }
  return keys;
}

// ---------------------------------------------------------------- BibTeX

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // The OT1 font prints < and > as ¡ and ¿.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

function bracesBalanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

// One pass over the text: LaTeX specials, and the first character of each ligature TeX
// would make of -- `` '' ?` !` (a title's "--" stays two hyphens, as written).
const TO_ESCAPE = /[\\&%$#_~^<>{}]|-(?=-)|[`'?!](?=`)|'(?=')/g;

/**
 * Escapes text for a braced BibTeX field. Braces become \{ \} when they pair up,
 * else \textbraceleft{} so the field's own braces still balance for BibTeX.
 */
function escapeText(s: string, balanced: boolean): string {
  return s.replace(TO_ESCAPE, (c) => {
    if (c === '{') return balanced ? '\\{' : '\\textbraceleft{}';
    if (c === '}') return balanced ? '\\}' : '\\textbraceright{}';
    return LATEX_SPECIAL[c] ?? `${c}{}`;
  });
}

/**
 * Inline math as pandoc reads it: `$` followed by a non-space, closed by a `$`
 * preceded by a non-space and not followed by a digit ("costs $5 and $6" is not math).
 */
const MATH = /\$(?=\S)(?:\\.|[^$\\])*?\S\$(?!\d)/g;

/** Splits text into [text, math, text, math, …]; only math spans with balanced braces count. */
function splitMath(s: string): string[] {
  if (!s.includes('$')) return [s];
  const out: string[] = [];
  let last = 0;
  for (const m of s.matchAll(MATH)) {
    if (!bracesBalanced(m[0])) continue;
    out.push(s.slice(last, m.index), m[0]);
    last = m.index + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}

/** Words with a capital after a letter or digit, or a digit after a capital (BERT, LLaMA, iPhone, 3D, T5). */
const NEEDS_CASE = /[\p{L}\d]\p{Lu}|\p{Lu}\d/u;

/**
 * A field value in LaTeX: specials escaped, `$math$` kept as math. `protectCase`
 * wraps words with inner capitals in braces, as titles need under styles that
 * lowercase (the parsers drop those braces again).
 */
export function latex(text: string, protectCase = false): string {
  const parts = splitMath(oneLine(text));
  const balanced = parts.every((part, i) => i % 2 === 1 || bracesBalanced(part));
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i % 2 === 1) out += part;
    else if (!protectCase) out += escapeText(part, balanced);
    else out += part.replace(/\S+/g, (w) => (NEEDS_CASE.test(w) ? `{${escapeText(w, balanced)}}` : escapeText(w, balanced)));
  }
  return out;
}

/** An author for `author = {A and B}`: names with a comma or " and " are braced so BibTeX keeps them whole. */
function bibName(name: string): string {
  const n = latex(name);
  return /,|\sand\s/i.test(name) ? `{${n}}` : n;
}

/** BibTeX (BibLaTeX-compatible) arXiv entries, as arXiv's own "Export BibTeX citation" writes them. */
export function toBibTeX(papers: Paper[], tags: Tag[]): string {
  const names = tagNameMap(tags);
  const keys = citationKeys(papers);
  return papers
    .map((p) => {
      const { year, month } = paperDate(p);
      const fields: [string, string][] = [
        ['title', `{${latex(p.title, true)}}`],
      ];
      if (p.authors.length) fields.push(['author', `{${p.authors.map(bibName).join(' and ')}}`]);
      if (year) fields.push(['year', `{${year}}`]);
      // The month macro, so each style prints the month in its own language.
      if (month) fields.push(['month', MONTHS[month - 1]]);
      fields.push(['eprint', `{${p.id}}`], ['archivePrefix', '{arXiv}']);
      const primary = primaryClass(p.id);
      if (primary) fields.push(['primaryClass', `{${primary}}`]);
      fields.push(['url', `{${absUrl(p.id)}}`]);
      const abstract = p.abstract ? latex(p.abstract) : '';
      if (abstract) fields.push(['abstract', `{${abstract}}`]);
      const tagNames = tagNamesOf(p, names);
      // Readers split keywords at every comma (braced or not) and some at ";": a comma in a tag name becomes " / ".
      if (tagNames.length) fields.push(['keywords', `{${tagNames.map((t) => latex(t.replace(/\s*[,;]\s*/g, ' / '))).join(', ')}}`]);
      // The note is the reader's own: `annote`, which only annotated bibliography styles print.
      // Standard styles (plain, alpha, biblatex's) print `note` in the reference list.
      const note = p.note ? latex(p.note) : '';
      if (note) fields.push(['annote', `{${note}}`]);
      const body = fields.map(([k, v]) => `  ${k} = ${v}`).join(',\n');
      return `@misc{${keys.get(p.id)},\n${body}\n}\n`;
    })
    .join('\n');
}

// ---------------------------------------------------------------- CSL-JSON

export interface CslName {
  family?: string;
  given?: string;
  'non-dropping-particle'?: string;
  suffix?: string;
  literal?: string;
}

export interface CslItem {
  id: string;
  type: 'article';
  title: string;
  author: CslName[];
  issued?: { 'date-parts': number[][] };
  URL: string;
  number: string;
  publisher: 'arXiv';
  DOI: string;
  abstract?: string;
  keyword?: string;
}

function cslName(name: string): CslName {
  const n = splitName(name);
  if (n.literal !== undefined) return { literal: n.literal };
  return {
    family: n.family,
    given: n.given,
    ...(n.particle ? { 'non-dropping-particle': n.particle } : {}),
    ...(n.suffix ? { suffix: n.suffix } : {}),
  };
}

/** CSL-JSON (Zotero, Pandoc, citeproc): arXiv preprints as CSL "article" items with the arXiv DOI. */
export function toCslJson(papers: Paper[], tags: Tag[]): string {
  const names = tagNameMap(tags);
  const keys = citationKeys(papers);
  const items: CslItem[] = papers.map((p) => {
    const { year, month, day } = paperDate(p);
    const item: CslItem = {
      id: keys.get(p.id)!,
      type: 'article',
      title: oneLine(p.title),
      author: p.authors.map(cslName),
      URL: absUrl(p.id),
      number: `arXiv:${p.id}`,
      // The repository as `publisher`, as Zotero writes preprints: APA then prints
      // "Title (arXiv:id). arXiv. https://doi.org/…"; `archive` as well would print it twice.
      publisher: 'arXiv',
      DOI: `10.48550/arXiv.${p.id}`,
    };
    if (year) item.issued = { 'date-parts': [[year, ...(month ? [month, ...(day ? [day] : [])] : [])]] };
    const abstract = p.abstract?.trim();
    if (abstract) item.abstract = abstract;
    const tagNames = tagNamesOf(p, names);
    if (tagNames.length) item.keyword = tagNames.join(', ');
    // No `note`: CSL styles such as Chicago print it in the bibliography, and it is private.
    return item;
  });
  return JSON.stringify(items, null, 2) + '\n';
}

// ---------------------------------------------------------------- CSV

export const CSV_COLUMNS = ['id', 'title', 'authors', 'published', 'status', 'tags', 'note', 'url', 'pdf', 'savedAt'] as const;

// papaparse's own escapeFormulae pattern (/^[=+\-@\t\r].*$/) has no `s` flag, so a cell
// like "=HYPERLINK(…)\nmore" escapes it; test only the first character.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * CSV, one row per paper. Cells a spreadsheet would run as a formula get a leading '.
 * Starts with a byte order mark so Excel reads UTF-8 (papaparse drops it when parsing).
 */
export function toCsv(papers: Paper[], tags: Tag[]): string {
  const names = tagNameMap(tags);
  const data = papers.map((p) => [
    p.id,
    oneLine(p.title),
    p.authors.join('; '),
    p.published ?? '',
    p.status,
    tagNamesOf(p, names).join('; '),
    p.note,
    absUrl(p.id),
    pdfUrl(p.id),
    new Date(p.savedAt).toISOString(),
  ]);
  return '\ufeff' + Papa.unparse({ fields: [...CSV_COLUMNS], data }, { escapeFormulae: FORMULA_START, newline: '\r\n' });
}

// ---------------------------------------------------------------- Markdown

/**
 * Escapes what Markdown (CommonMark + GFM, and $…$ math on GitHub) would read as
 * markup inside a line: emphasis, code, links, HTML, strikethrough, math, entities.
 */
export function escapeMarkdown(s: string): string {
  return oneLine(s).replace(/[\\`*_[\]<>~$&|^#]/g, '\\$&');
}

const MAX_MD_AUTHORS = 3;

function mdAuthors(authors: string[]): string {
  if (authors.length === 0) return '';
  const shown = authors.slice(0, MAX_MD_AUTHORS).map(escapeMarkdown).join(', ');
  return authors.length > MAX_MD_AUTHORS ? `${shown} et al.` : shown;
}

function mdItem(p: Paper): string {
  const { year } = paperDate(p);
  const by = mdAuthors(p.authors);
  let line = `- [${escapeMarkdown(p.title)}](${absUrl(p.id)})`;
  if (by || year) line += ' —' + (by ? ` ${by}` : '') + (year ? ` (${year})` : '');
  const note = p.note.trim();
  if (note) {
    // The note is the user's own Markdown; only raw HTML is neutralised.
    line += '\n' + note.split(/\r?\n/).map((l) => (l.trim() ? `  > ${l.replace(/</g, '&lt;')}` : '  >')).join('\n');
  }
  return line;
}

/** A Markdown reading list grouped by tag (a paper appears under each of its tags); untagged last. */
export function toMarkdown(papers: Paper[], tags: Tag[]): string {
  const names = tagNameMap(tags);
  const groups = new Map<string, Paper[]>();
  const untagged: Paper[] = [];
  for (const p of papers) {
    if (p.tags.length === 0) untagged.push(p);
    for (const k of new Set(p.tags)) {
      const list = groups.get(k);
      if (list) list.push(p);
      else groups.set(k, [p]);
    }
  }
  const sections = [...groups.entries()]
    .map(([key, list]) => ({ name: names.get(key) ?? key, list }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
  if (untagged.length) sections.push({ name: t('lib_exportUntagged'), list: untagged });
  const out = ['# PaperShelf', ''];
  for (const s of sections) {
    out.push(`## ${escapeMarkdown(s.name)}`, '', ...s.list.map(mdItem), '');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- backup and file names

/** A complete, lossless backup: what parseImport reads back. */
export function toBackup(papers: Paper[], tags: Tag[], now: number | Date = Date.now()): Backup {
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date(now).toISOString(),
    papers,
    tags,
  };
}

const EXTENSION: Record<ExportFormat, string> = { bibtex: 'bib', csl: 'csl.json', csv: 'csv', markdown: 'md', backup: 'json' };

/** `papershelf-2026-11-29.bib`, `papershelf-backup-2026-11-29.json`: the user's local date. */
export function exportFileName(format: ExportFormat, date: Date = new Date()): string {
  const ymd = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return `papershelf-${format === 'backup' ? 'backup-' : ''}${ymd}.${EXTENSION[format]}`;
}

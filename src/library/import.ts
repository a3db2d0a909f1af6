/**
 * Import: reads a PaperShelf backup, a PaperMemory export or a BibTeX file into
 * complete Paper records, and plans how they merge into the shelf (issue 5).
 * Pure functions: the background writes the plan in one transaction.
 *
 * Every input is hostile until validated: size is capped before reading, JSON is
 * refused with prototype keys or deep nesting, a backup is checked by strict
 * schemas, and every imported record passes the same schema as a backup's.
 */
import * as v from 'valibot';
// @citation-js/core ships no type declarations; the one call used is typed in `Bib` below.
// @ts-ignore TS7016
import { plugins } from '@citation-js/core';
// Registers the @biblatex/* and @bibtex/* parsers into @citation-js/core.
import '@citation-js/plugin-bibtex';
import { NOTE_MAX, PaperSchema, TagSchema } from '../shared/messages';

export { NOTE_MAX, PaperSchema, TagSchema };
import {
  absUrl,
  arxivIdFromUrl,
  cleanText,
  normaliseTag,
  parseArxivId,
  tagHue,
  tagKey,
  type ArxivId,
  type Paper,
  type Tag,
} from '../shared/model';
import { BACKUP_FORMAT, BACKUP_VERSION } from './export';
import { t } from '../shared/i18n';

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** JSON nested deeper than this is refused (a backup needs 4 levels). */
export const MAX_JSON_DEPTH = 12;

export type ImportSource = 'backup' | 'bibtex' | 'papermemory';

import { combine, type Skipped } from './merge';
export type { Skipped };

export interface ImportOk {
  ok: true;
  source: ImportSource;
  /**
   * Complete records, tags as keys. `updatedAt` is 0 where the source has no edit
   * time (BibTeX, PaperMemory): their status and note then never replace what the
   * user set here, they only fill an empty note.
   */
  papers: Paper[];
  tags: Tag[];
  skipped: Skipped[];
}

export type ImportResult = ImportOk | { ok: false; error: string };

const fail = (error: string): ImportResult => ({ ok: false, error });

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** An error message for a file too large to import, or null. Check before reading the file. */
export function checkSize(bytes: number): string | null {
  if (bytes <= MAX_IMPORT_BYTES) return null;
  return t('lib_importTooBig', mb(bytes), mb(MAX_IMPORT_BYTES));
}

// ---------------------------------------------------------------- schemas

const BackupSchema = v.strictObject({
  format: v.literal(BACKUP_FORMAT),
  version: v.literal(BACKUP_VERSION),
  exportedAt: v.pipe(v.string(), v.maxLength(40)),
  papers: v.array(PaperSchema),
  tags: v.array(TagSchema),
});

type Path = (string | number)[];

/** `papers[3].title` */
function pathString(path: Path): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s ? `.${k}` : k;
  return s || t('lib_importPathFile');
}

/**
 * valibot's own English message for the checks the schemas use, in the user's language;
 * any other message (the schemas' own, already translated) as it is.
 */
function issueMessage(issue: v.BaseIssue<unknown>): string {
  const { expected, received } = issue;
  const label = { max_length: 'length', min_length: 'length', max_value: 'value', min_value: 'value', regex: 'format', integer: 'integer', url: 'URL' }[issue.type];
  // valibot's default text (see its _addIssue): a schema's own message differs from it.
  if (!label || issue.message !== `Invalid ${label}: ${expected ? `Expected ${expected} but r` : 'R'}eceived ${received}`) return issue.message;
  if (expected) {
    if (label === 'length') return t('lib_importInvalidLength', expected, received);
    if (label === 'value') return t('lib_importInvalidValue', expected, received);
    if (label === 'format') return t('lib_importInvalidFormat', expected, received);
  } else {
    if (label === 'integer') return t('lib_importInvalidInteger', received);
    if (label === 'URL') return t('lib_importInvalidUrl', received);
  }
  return issue.message;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = pathString((issue.path ?? []).map((p) => p.key as string | number));
  if (issue.type === 'strict_object' && issue.expected === 'never') return t('lib_importUnknownField', path);
  if (issue.kind === 'schema') {
    if (issue.received === 'undefined') return t('lib_importMissing', path, issue.expected ?? '');
    return t('lib_importExpectedGot', path, issue.expected ?? '', issue.received);
  }
  return t('lib_importIssue', path, issueMessage(issue));
}

// ---------------------------------------------------------------- JSON safety

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses keys that could reach a prototype and nesting past MAX_JSON_DEPTH.
 * JSON.parse keeps "__proto__" as an own key (it pollutes nothing by itself),
 * but any later spread or merge of such an object could; refuse it outright.
 */
function checkJsonTree(root: unknown): string | null {
  const path: Path = [];
  const visit = (value: unknown, depth: number): string | null => {
    if (value === null || typeof value !== 'object') return null;
    if (depth > MAX_JSON_DEPTH) {
      return t('lib_importTooDeep', MAX_JSON_DEPTH, pathString(path));
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const x: unknown = value[i];
        if (x === null || typeof x !== 'object') continue;
        path.push(i);
        const e = visit(x, depth + 1);
        path.pop();
        if (e) return e;
      }
      return null;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        return t('lib_importForbiddenKey', key, pathString([...path, key]));
      }
      const x = (value as Record<string, unknown>)[key];
      if (x === null || typeof x !== 'object') continue;
      path.push(key);
      const e = visit(x, depth + 1);
      path.pop();
      if (e) return e;
    }
    return null;
  };
  return visit(root, 1);
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

// ---------------------------------------------------------------- shared record building

function tagFor(name: string): Tag | null {
  const display = normaliseTag(name);
  const key = tagKey(display);
  return key ? { key, name: display, hue: tagHue(key) } : null;
}

/** Paper from the parts an importer found; checked against PaperSchema, so it is as safe as a backup's. */
function finishPaper(
  draft: Omit<Paper, 'url' | 'source' | 'status' | 'updatedAt'> & Partial<Pick<Paper, 'status' | 'updatedAt'>>,
): { paper: Paper } | { reason: string } {
  const paper: Paper = {
    id: draft.id,
    ...(draft.version ? { version: draft.version } : {}),
    title: draft.title.slice(0, 1000),
    authors: draft.authors.slice(0, 5000).map((a) => a.slice(0, 300)),
    ...(draft.abstract ? { abstract: draft.abstract.slice(0, 20000) } : {}),
    ...(draft.published ? { published: draft.published } : {}),
    url: absUrl(draft.id),
    source: 'arxiv',
    savedAt: draft.savedAt,
    updatedAt: draft.updatedAt ?? 0,
    tags: draft.tags,
    status: draft.status ?? 'to-read',
    note: draft.note.slice(0, NOTE_MAX),
  };
  const r = v.safeParse(PaperSchema, paper, { abortEarly: true });
  return r.success ? { paper: r.output as Paper } : { reason: describeIssue(r.issues[0]) };
}

/** Collects papers and tags; the same arXiv paper twice is merged into one record. */
class Collector {
  papers = new Map<string, Paper>();
  tags = new Map<string, Tag>();
  skipped: Skipped[] = [];

  // tagKey's locale-aware lower-casing is slow; a file repeats the same few names.
  private byName = new Map<string, Tag | null>();

  /** Tag keys for names, registering each tag (first spelling wins). */
  tagKeys(names: string[]): string[] {
    const keys: string[] = [];
    for (const n of names) {
      let tag = this.byName.get(n);
      if (tag === undefined) this.byName.set(n, (tag = tagFor(n)));
      if (!tag) continue;
      if (!this.tags.has(tag.key)) this.tags.set(tag.key, tag);
      if (!keys.includes(tag.key)) keys.push(tag.key);
    }
    return keys;
  }

  add(entry: () => string, result: { paper: Paper } | { reason: string }) {
    if ('reason' in result) {
      this.skipped.push({ entry: entry(), reason: result.reason });
      return;
    }
    const prev = this.papers.get(result.paper.id);
    this.papers.set(result.paper.id, prev ? combine(prev, result.paper) : result.paper);
  }

  result(source: ImportSource): ImportOk {
    return { ok: true, source, papers: [...this.papers.values()], tags: [...this.tags.values()], skipped: this.skipped };
  }
}

const entryLabel = (key: string, title: unknown) =>
  typeof title === 'string' && cleanText(title) ? `${key.slice(0, 100)} "${cleanText(title).slice(0, 80)}"` : key.slice(0, 100);

// Like cleanText, but replaces only runs that are not already one space: no copy of clean text.
const collapse = (s: string | undefined) => (s ?? '').replace(/\s{2,}|[^\S ]/g, ' ').trim();

/** "2021-06" from an id's YYMM, for sources that give only a year. */
function idMonth(id: string): string | undefined {
  const m = /^(\d{2})(\d{2})\./.exec(id);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `20${m[1]}-${m[2]}` : undefined;
}

// ---------------------------------------------------------------- backup

function parseBackup(data: Record<string, unknown>): ImportResult {
  if (typeof data.version !== 'number') return fail(t('lib_importNoVersion'));
  if (data.version !== BACKUP_VERSION) {
    return fail(t('lib_importWrongVersion', data.version, BACKUP_VERSION));
  }
  const r = v.safeParse(BackupSchema, data, { abortEarly: true });
  if (!r.success) return fail(t('lib_importInvalidBackup', describeIssue(r.issues[0])));
  const { papers, tags } = r.output as { papers: Paper[]; tags: Tag[] };
  const seen = new Map<string, number>();
  for (let i = 0; i < papers.length; i++) {
    const first = seen.get(papers[i].id);
    if (first !== undefined) return fail(t('lib_importDuplicateId', i, papers[i].id, first));
    seen.set(papers[i].id, i);
  }
  const tagMap = new Map<string, Tag>();
  for (let i = 0; i < tags.length; i++) {
    if (tagMap.has(tags[i].key)) return fail(t('lib_importDuplicateTag', i, tags[i].key));
    tagMap.set(tags[i].key, tags[i]);
  }
  // A paper's tag without a tag record still imports, named by its key.
  for (const p of papers) for (const k of p.tags) if (!tagMap.has(k)) tagMap.set(k, { key: k, name: k, hue: tagHue(k) });
  return { ok: true, source: 'backup', papers, tags: [...tagMap.values()], skipped: [] };
}

// ---------------------------------------------------------------- PaperMemory

// PaperMemory stores arXiv titles as an HTML parser read them, so they can hold entities.
const decodeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e]!);

/** The object of PaperMemory entries, when `data` is a PaperMemory export (plain or wrapped in {papers}). */
function paperMemoryEntries(data: Record<string, unknown>): Record<string, unknown> | null {
  const box = isObject(data.papers) && data.format === undefined ? data.papers : data;
  let entries = 0;
  for (const [k, e] of Object.entries(box)) {
    if (k.startsWith('__')) continue;
    if (!isObject(e) || typeof e.title !== 'string' || !('pdfLink' in e || 'addDate' in e || 'author' in e)) return null;
    entries++;
  }
  return entries > 0 || '__dataVersion' in box ? box : null;
}

/** PaperMemory ids of arXiv papers: "Arxiv-2106.09685", old-style "Arxiv-hep-th_9901001". */
function fromPaperMemoryId(id: unknown): ArxivId | null {
  if (typeof id !== 'string') return null;
  const m = /^arxiv-(.+)$/i.exec(id);
  return m ? parseArxivId(m[1].replace('_', '/')) : null;
}

const str = (x: unknown) => (typeof x === 'string' ? x : '');

function parsePaperMemory(box: Record<string, unknown>, now: number): ImportOk {
  const out = new Collector();
  for (const [key, raw] of Object.entries(box)) {
    if (key.startsWith('__') || !isObject(raw)) continue;
    const e = raw;
    const label = entryLabel(typeof e.id === 'string' ? e.id : key, e.title);
    const arxiv =
      (typeof e.url === 'string' && arxivIdFromUrl(e.url)) ||
      (typeof e.pdfLink === 'string' && arxivIdFromUrl(e.pdfLink)) ||
      fromPaperMemoryId(e.id) ||
      fromPaperMemoryId(key);
    if (!arxiv) {
      out.skipped.push({ entry: label, reason: typeof e.source === 'string' ? t('lib_skipNotArxivSource', e.source.slice(0, 40)) : t('lib_skipNotArxiv') });
      continue;
    }
    const title = cleanText(decodeEntities(str(e.title)));
    if (!title) {
      out.skipped.push({ entry: label, reason: t('lib_skipNoTitle') });
      continue;
    }
    const year = /^\d{4}$/.exec(str(e.year).trim())?.[0];
    const byId = idMonth(arxiv.id);
    const added = Date.parse(str(e.addDate));
    out.add(
      () => label,
      finishPaper({
        id: arxiv.id,
        version: arxiv.version,
        title,
        authors: str(e.author)
          .split(/\s+and\s+/i)
          .map((a) => cleanText(decodeEntities(a)))
          .filter(Boolean),
        abstract: cleanText(str(e.abstract)) || undefined,
        published: byId && (!year || byId.startsWith(year)) ? byId : year,
        savedAt: Number.isFinite(added) && added >= 0 ? added : now,
        tags: out.tagKeys(Array.isArray(e.tags) ? e.tags.filter((x): x is string => typeof x === 'string') : []),
        // PaperMemory has no reading status and no edit time (see ImportOk.papers).
        note: str(e.note).trim(),
      }),
    );
  }
  return out.result('papermemory');
}

// ---------------------------------------------------------------- BibTeX

interface RawEntry {
  type: string;
  label: string;
  properties: Record<string, string | number>;
}

interface CslName {
  given?: string;
  family?: string;
  literal?: string;
  suffix?: string;
  'non-dropping-particle'?: string;
  'dropping-particle'?: string;
}

interface CslData {
  title?: string;
  author?: CslName[];
  abstract?: string;
  note?: string;
  annote?: string;
  keyword?: string;
  issued?: { 'date-parts'?: (number | string)[][] };
}

/** The part of @citation-js/core used here: its registered parsers. */
const Bib = plugins as { input: { data(input: unknown, type: string): unknown } };

interface EntryStart {
  key: string;
  line: number;
}

const ENTRY_HEAD = /@[ \t]*([A-Za-z]+)\s*([{(])\s*([^,\s{}()]*)/y;
const LINE_ENTRY = /[ \t]*@[ \t]*[A-Za-z]+\s*[{(]/y;

/** The offset of the "}" closing the brace group open at `from` (depth 1), or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    const d = text[j];
    if (d === '\\') j++;
    else if (d === '{') depth++;
    else if (d === '}' && --depth === 0) return j;
  }
  return -1;
}

/**
 * Checks the braces of every entry the way the parser pairs them (\{ and \} are
 * text), so a missing or extra brace is reported with the entry and line it
 * breaks instead of silently swallowing the entries after it.
 */
function scanBibTeX(text: string): { error: string } | { entries: EntryStart[] } {
  // Jumps between the characters that matter, rather than stepping through megabytes.
  const OUTER = /[@}%\n]/g;
  const INNER = /\\[\\{}]|[{}()\n]/g;
  const entries: EntryStart[] = [];
  let line = 1;
  let last: EntryStart | null = null;
  for (let m = OUTER.exec(text); m; m = OUTER.exec(text)) {
    const i = m.index;
    const c = m[0];
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === '}') {
      if (last) return { error: t('lib_bibExtraBraceAfter', line, last.key, last.line) };
      continue;
    }
    if (c === '%') {
      // A comment line between entries.
      const eol = text.indexOf('\n', i);
      OUTER.lastIndex = eol === -1 ? text.length : eol;
      continue;
    }
    ENTRY_HEAD.lastIndex = i;
    const head = ENTRY_HEAD.exec(text);
    if (!head) continue;
    const type = head[1].toLowerCase();
    if (type === 'comment') {
      // A braced @comment{…} (JabRef's metadata spans lines) is skipped whole; the
      // parser itself reads "@comment" to the end of its line and ignores the rest as text.
      const end = head[2] === '{' ? closingBrace(text, text.indexOf('{', i) + 1) : -1;
      const eol = text.indexOf('\n', i);
      const to = end !== -1 ? end + 1 : eol === -1 ? text.length : eol;
      line += countLines(text, i, to);
      OUTER.lastIndex = to;
      continue;
    }
    const start: EntryStart = { key: type === 'string' || type === 'preamble' ? `@${type}` : head[3] || t('lib_bibNoKey'), line };
    const paren = head[2] === '(';
    line += countLines(text, i, i + head[0].length);
    let depth = paren ? 0 : 1;
    let closedAt = -1;
    INNER.lastIndex = i + head[0].length;
    for (let tok = INNER.exec(text); tok; tok = INNER.exec(text)) {
      const d = tok[0];
      if (d === '{') depth++;
      else if (d === '}') {
        depth--;
        if (depth === 0 && !paren) {
          closedAt = tok.index;
          break;
        }
        if (depth < 0) return { error: t('lib_bibExtraBraceIn', line, start.key, start.line) };
      } else if (d === ')') {
        if (paren && depth === 0) {
          closedAt = tok.index;
          break;
        }
      } else if (d === '\n') {
        line++;
        LINE_ENTRY.lastIndex = tok.index + 1;
        if (depth > 0 && LINE_ENTRY.test(text)) {
          return { error: t('lib_bibNotClosedBeforeNext', start.key, start.line, line) };
        }
      }
      // "(" and escaped braces are text here.
    }
    if (closedAt < 0) return { error: t('lib_bibNeverClosed', start.key, start.line) };
    if (!start.key.startsWith('@')) entries.push(start);
    last = start;
    OUTER.lastIndex = closedAt + 1;
  }
  return { entries };
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Unescaped $…$ spans of raw LaTeX, as TeX pairs them. */
function mathSpans(s: string): [number, number][] {
  const spans: [number, number][] = [];
  let open = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '$') {
      if (open < 0) open = i;
      else {
        spans.push([open, i + 1]);
        open = -1;
      }
    }
  }
  return spans;
}

/**
 * Replaces math spans by placeholders before the LaTeX→text conversion (which
 * would turn "$\mathcal{O}(n)$" into "\mathcalO(n)"), and gives a function
 * that puts them back: titles keep their math as written.
 */
function protectMath(value: string, marker: string): { text: string; math: string[] } {
  const math: string[] = [];
  let text = '';
  let last = 0;
  for (const [a, b] of mathSpans(value)) {
    text += value.slice(last, a) + `${marker}${math.length}${marker}`;
    math.push(value.slice(a, b));
    last = b;
  }
  return { text: text + value.slice(last), math };
}

function restoreMath(text: string | undefined, math: string[], marker: string): string {
  if (!text) return '';
  return math.length ? text.replace(new RegExp(`${marker}(\\d+)${marker}`, 'g'), (_, n: string) => math[Number(n)] ?? '') : text;
}

function cslNameText(n: CslName): string {
  if (n.literal) return cleanText(n.literal);
  return cleanText([n.given, n['dropping-particle'], n['non-dropping-particle'], n.family, n.suffix].filter(Boolean).join(' '));
}

const ARXIV_DOI = /^(?:https?:\/\/(?:dx\.)?doi\.org\/)?10\.48550\/arxiv\.(.+)$/i;
// Google Scholar: journal={arXiv preprint arXiv:2106.09685}.
const ARXIV_IN_TEXT = /\barXiv:\s*([a-z.-]+\/\d{7}|\d{4}\.\d{4,5})(v\d+)?/i;

function bibArxivId(p: Record<string, string | number>): ArxivId | null {
  const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string).trim() : typeof p[k] === 'number' ? String(p[k]) : '');
  const prefix = (s('archiveprefix') || s('eprinttype')).toLowerCase();
  if (s('eprint') && prefix === 'arxiv') {
    const id = parseArxivId(s('eprint'));
    if (id) return id;
  }
  for (const k of ['url', 'pdf']) {
    const id = s(k) && arxivIdFromUrl(s(k).replace(/\\_/g, '_'));
    if (id) return id;
  }
  const doi = ARXIV_DOI.exec(s('doi'));
  if (doi) {
    const id = parseArxivId(doi[1]);
    if (id) return id;
  }
  for (const k of ['journal', 'journaltitle', 'howpublished']) {
    const m = ARXIV_IN_TEXT.exec(s(k));
    const id = m && parseArxivId(m[1] + (m[2] ?? ''));
    if (id) return id;
  }
  return null;
}

function published(issued: CslData['issued']): string | undefined {
  const parts = issued?.['date-parts']?.[0]?.map(Number);
  if (!parts || !Number.isInteger(parts[0]) || parts[0] < 1000 || parts[0] > 9999) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  const [y, m, d] = parts;
  if (!m || m < 1 || m > 12) return String(y);
  return d && d >= 1 && d <= 31 ? `${y}-${pad(m)}-${pad(d)}` : `${y}-${pad(m)}`;
}

const TEXT_FIELDS = ['title', 'abstract', 'note', 'annote'] as const;
// What the LaTeX→text conversion would change: commands, groups, math, ties, ligatures.
const HAS_LATEX = /[\\{}$~]|--|''|``/;

function parseBibTeX(text: string, now: number): ImportResult {
  if (/(^|[,{])\s*(__proto__|constructor|prototype)\s*=/m.test(text)) {
    return fail(t('lib_bibForbiddenField'));
  }
  const scan = scanBibTeX(text);
  if ('error' in scan) return fail(scan.error);
  let raw: RawEntry[];
  try {
    raw = Bib.input.data(text, '@biblatex/text') as RawEntry[];
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const at = /at line (\d+) col (\d+)/.exec(msg);
    // The parser's own words (English) after ours.
    const why = msg.split('\n')[0].replace(/ at line \d+ col \d+:?$/, '');
    if (!at) return fail(t('lib_bibSyntaxError', why));
    const errLine = Number(at[1]);
    const inEntry = [...scan.entries].reverse().find((s) => s.line < errLine || (s.line === errLine && Number(at[2]) > 1));
    return fail(inEntry ? t('lib_bibSyntaxErrorEntry', errLine, inEntry.key, inEntry.line, why) : t('lib_bibSyntaxErrorLine', errLine, why));
  }
  if (raw.length === 0) return fail(t('lib_bibNoEntries'));

  const out = new Collector();
  for (const entry of raw) {
    const props = entry.properties;
    const label = () => entryLabel(entry.label, props.title);
    const arxiv = bibArxivId(props);
    if (!arxiv) {
      out.skipped.push({ entry: label(), reason: t('lib_skipNoArxivId') });
      continue;
    }
    // Plain text fields (most abstracts) are taken as they are; only fields with
    // LaTeX in them go through citation-js, with their math spans set aside.
    const plain: Record<string, string> = {};
    const picked: Record<string, string | number> = {};
    const math: Record<string, string[]> = {};
    let marker = '';
    for (const f of TEXT_FIELDS) {
      const value = props[f];
      if (value === undefined) continue;
      const s = String(value);
      if (!HAS_LATEX.test(s)) {
        plain[f] = s;
        continue;
      }
      if (!marker) {
        // A marker the entry's text does not contain, for the math placeholders.
        marker = 'ZQMATHQZ';
        while (TEXT_FIELDS.some((f) => String(props[f] ?? '').includes(marker))) marker += 'Q';
      }
      const p = protectMath(s, marker);
      picked[f] = p.text;
      math[f] = p.math;
    }
    for (const f of ['author', 'keywords', 'year', 'month', 'date']) if (props[f] !== undefined) picked[f] = props[f];
    let csl: CslData;
    try {
      csl = (Bib.input.data([{ type: entry.type, label: entry.label, properties: picked }], '@biblatex/entries+list') as CslData[])[0];
    } catch (e) {
      out.skipped.push({ entry: label(), reason: t('lib_skipUnreadable', e instanceof Error ? e.message.split('\n')[0] : String(e)) });
      continue;
    }
    const field = (f: (typeof TEXT_FIELDS)[number]) => collapse(plain[f] ?? restoreMath(csl[f], math[f] ?? [], marker));
    const title = field('title');
    if (!title) {
      out.skipped.push({ entry: label(), reason: t('lib_skipNoTitle') });
      continue;
    }
    out.add(
      label,
      finishPaper({
        id: arxiv.id,
        version: arxiv.version,
        title,
        authors: (csl.author ?? []).map(cslNameText).filter(Boolean),
        abstract: field('abstract') || undefined,
        published: published(csl.issued),
        savedAt: now,
        tags: out.tagKeys((csl.keyword ?? '').split(',')),
        // Our own export writes the note as `annote` (standard styles print `note` in the
        // reference list); files from elsewhere often have it in `note`.
        note: field('annote') || field('note'),
      }),
    );
  }
  return out.result('bibtex');
}

// ---------------------------------------------------------------- entry point

const BIBTEX_START = /^\s*(?:%[^\n]*\n\s*)*@[ \t]*[A-Za-z]+\s*[{(]/;

/**
 * Reads an import file: a PaperShelf backup, a PaperMemory export (JSON keyed by
 * paper id) or BibTeX; the format is told by the content, the file name only
 * breaks ties. `now` stamps savedAt where the source has no date.
 */
export function parseImport(text: string, fileName = '', now = Date.now()): ImportResult {
  // A UTF-16 length past the byte limit means the UTF-8 file was past it too.
  if (text.length > MAX_IMPORT_BYTES) return fail(checkSize(text.length)!);
  const body = text.replace(/^\ufeff/, '');
  const trimmed = body.trimStart();
  if (!trimmed) return fail(t('lib_importEmpty'));
  const bibName = /\.(bib|bibtex|biblatex)$/i.test(fileName);

  if (!bibName && (trimmed[0] === '{' || trimmed[0] === '[')) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (e) {
      // V8 throws RangeError on absurdly deep input; both mean "not JSON we read".
      return fail(t('lib_importBadJson', e instanceof Error ? e.message : String(e)));
    }
    const unsafe = checkJsonTree(data);
    if (unsafe) return fail(unsafe);
    if (!isObject(data)) return fail(t('lib_importJsonNotObject'));
    if (data.format === BACKUP_FORMAT) return parseBackup(data);
    if (typeof data.format === 'string') return fail(t('lib_importOtherFormat', data.format));
    const pm = paperMemoryEntries(data);
    if (pm) return parsePaperMemory(pm, now);
    // PaperMemory's "BibTeX JSON" export: an object of BibTeX strings.
    const values = Object.entries(data).filter(([k]) => !k.startsWith('__')).map(([, x]) => x);
    if (values.length && values.every((x) => typeof x === 'string') && values.some((x) => /^\s*@/.test(x as string))) {
      return parseBibTeX(values.join('\n\n'), now);
    }
    return fail(t('lib_importUnknownJson'));
  }
  if (bibName || BIBTEX_START.test(body)) return parseBibTeX(body, now);
  return fail(t('lib_importUnknownFile'));
}

export { planMerge, type MergePlan } from './merge';

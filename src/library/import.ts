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
import { BibSyntaxError, closeOfGroup, ENTRY_HEAD, lineAt, readBibTeX, type BibEntry } from './bibtex-read';
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

/** A paper's tags past this are refused by PaperSchema. */
const TAGS_MAX = 1000;

/** Collects papers and tags; the same arXiv paper twice is merged into one record. */
class Collector {
  papers = new Map<string, Paper>();
  tags = new Map<string, Tag>();
  skipped: Skipped[] = [];

  // tagKey's locale-aware lower-casing is slow; a file repeats the same few names.
  private byName = new Map<string, Tag | null>();
  private byKey = new Map<string, Tag>();
  // Each paper's tag keys, so that merging a paper given many times stays linear.
  private tagSets = new Map<string, Set<string>>();

  /**
   * Tag keys for names (first spelling wins), in order, once each. Reads one past what
   * a paper may have, so such a paper is refused with the schema's reason, not cut.
   */
  tagKeys(names: string[]): string[] {
    const keys = new Set<string>();
    for (const n of names) {
      let tag = this.byName.get(n);
      if (tag === undefined) this.byName.set(n, (tag = tagFor(n)));
      if (!tag) continue;
      if (!this.byKey.has(tag.key)) this.byKey.set(tag.key, tag);
      keys.add(tag.key);
      if (keys.size > TAGS_MAX) break;
    }
    return [...keys];
  }

  add(entry: () => string, result: { paper: Paper } | { reason: string }) {
    if ('reason' in result) {
      this.skipped.push({ entry: entry(), reason: result.reason });
      return;
    }
    let paper = result.paper;
    let added = paper.tags;
    const prev = this.papers.get(paper.id);
    let own = this.tagSets.get(paper.id);
    if (prev && own) {
      // combine() unites tags with includes(): hand it only the new ones.
      added = paper.tags.filter((k) => !own!.has(k));
      if (own.size + added.length > TAGS_MAX) {
        // The same paper again, with tags that take it past the limit: refused with the schema's reason.
        const r = v.safeParse(PaperSchema, { ...prev, tags: [...prev.tags, ...added] }, { abortEarly: true });
        if (!r.success) this.skipped.push({ entry: entry(), reason: describeIssue(r.issues[0]) });
        return;
      }
      paper = combine(prev, { ...paper, tags: added });
    } else this.tagSets.set(paper.id, (own = new Set()));
    for (const k of added) {
      own.add(k);
      // Only tags of papers taken: a refused paper's thousand keywords are no tags.
      if (!this.tags.has(k)) this.tags.set(k, this.byKey.get(k) ?? { key: k, name: k, hue: tagHue(k) });
    }
    this.papers.set(paper.id, paper);
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

// An old-style id written with its subject class, as PaperShelf kept them before issue 18.
const OLD_ID_WITH_CLASS = /^[a-z-]+\.[A-Za-z-]+\/\d{7}$/;

function parseBackup(data: Record<string, unknown>): ImportResult {
  if (typeof data.version !== 'number') return fail(t('lib_importNoVersion'));
  if (data.version !== BACKUP_VERSION) {
    return fail(t('lib_importWrongVersion', data.version, BACKUP_VERSION));
  }
  // Backups made before issue 18 may key an old-style paper with its subject class
  // ("math.GT/0309136"): read as the paper's id now ("math/0309136"), one paper with it.
  const renamed = new Set<number>();
  if (Array.isArray(data.papers)) {
    data = {
      ...data,
      papers: data.papers.map((p: unknown, i) => {
        if (!isObject(p) || typeof p.id !== 'string' || !OLD_ID_WITH_CLASS.test(p.id)) return p;
        renamed.add(i);
        return { ...p, id: parseArxivId(p.id)?.id ?? p.id };
      }),
    };
  }
  const r = v.safeParse(BackupSchema, data, { abortEarly: true });
  if (!r.success) return fail(t('lib_importInvalidBackup', describeIssue(r.issues[0])));
  const { tags } = r.output as { papers: Paper[]; tags: Tag[] };
  let { papers } = r.output as { papers: Paper[]; tags: Tag[] };
  const seen = new Map<string, number>();
  const merged = new Map<number, Paper>();
  for (let i = 0; i < papers.length; i++) {
    const first = seen.get(papers[i].id);
    if (first === undefined) seen.set(papers[i].id, i);
    else if (renamed.has(i) || renamed.has(first)) merged.set(first, combine(merged.get(first) ?? papers[first], papers[i]));
    else return fail(t('lib_importDuplicateId', i, papers[i].id, first));
  }
  if (merged.size) papers = papers.flatMap((p, i) => (seen.get(p.id) !== i ? [] : [merged.get(i) ?? p]));
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

// The first entry head at the start of a later line.
const NEXT_ENTRY = /\n[ \t]*@[ \t]*[A-Za-z]+\s*[{(]/g;

/**
 * Checks the braces of every entry the way the parser pairs them (\{ and \} are
 * text), so a missing or extra brace is reported with the entry and line it
 * breaks instead of silently swallowing the entries after it. The error, or null.
 *
 * Linear (issue 18): it jumps between the characters that matter and never looks
 * at a stretch of text twice; line numbers are counted only for the message.
 */
function scanBibTeX(text: string): string | null {
  // An entry head (as ENTRY_HEAD starts), a "}" or a comment: the engine skips the rest, stray "@"s included.
  const OUTER = /@[ \t]*[A-Za-z]+\s*[{(]|[}%]/g;
  const INNER = /\\[\\{}]|[{}()]/g;
  const lineOf = (at: number) => lineAt(text, at);
  let last: { key: string; at: number } | null = null;
  // Offset of the "\n" before the next entry head that starts a line, once looked up; -1: none.
  let next = -2;
  const nextHead = (from: number) => {
    if (next !== -1 && next < from) {
      NEXT_ENTRY.lastIndex = from;
      next = NEXT_ENTRY.exec(text)?.index ?? -1;
    }
    return next;
  };
  for (let m = OUTER.exec(text); m; m = OUTER.exec(text)) {
    const i = m.index;
    const c = m[0];
    if (c === '}') {
      if (last) return t('lib_bibExtraBraceAfter', lineOf(i), last.key, lineOf(last.at));
      continue;
    }
    if (c === '%') {
      // A comment line between entries.
      const eol = text.indexOf('\n', i);
      OUTER.lastIndex = eol === -1 ? text.length : eol;
      continue;
    }
    ENTRY_HEAD.lastIndex = i;
    const head = ENTRY_HEAD.exec(text)!;
    const type = head[1].toLowerCase();
    if (type === 'comment') {
      // A braced @comment{…} (JabRef's metadata spans lines) is skipped whole, any other
      // @comment to the end of its line (as readBibTeX does).
      if (head[2] === '{') {
        const end = closeOfGroup(text, text.indexOf('{', i));
        if (end >= 0) {
          OUTER.lastIndex = end;
          continue;
        }
        // Never closed: it runs to the end of the file, which ends the scan (looking for its end
        // again from every later @comment{ made a file of them quadratic, issue 18). An entry
        // starting on a later line means a "}" is missing, as for any other entry.
        const n = nextHead(i);
        return n === -1 ? null : t('lib_bibNotClosedBeforeNext', '@comment', lineOf(i), lineOf(n + 1));
      }
      const eol = text.indexOf('\n', i);
      OUTER.lastIndex = eol === -1 ? text.length : eol;
      continue;
    }
    const key = type === 'string' || type === 'preamble' ? `@${type}` : head[3] || t('lib_bibNoKey');
    const paren = head[2] === '(';
    let depth = paren ? 0 : 1;
    let closedAt = -1;
    const body = i + head[0].length;
    let n = nextHead(body);
    INNER.lastIndex = body;
    for (let tok = INNER.exec(text); tok; tok = INNER.exec(text)) {
      // Lines between the last token and this one that start an entry: fine only outside braces.
      for (; n !== -1 && n < tok.index; n = nextHead(n + 1)) {
        if (depth > 0) return t('lib_bibNotClosedBeforeNext', key, lineOf(i), lineOf(n + 1));
      }
      const d = tok[0];
      if (d === '{') depth++;
      else if (d === '}') {
        depth--;
        if (depth === 0 && !paren) {
          closedAt = tok.index;
          break;
        }
        if (depth < 0) return t('lib_bibExtraBraceIn', lineOf(tok.index), key, lineOf(i));
      } else if (d === ')') {
        if (paren && depth === 0) {
          closedAt = tok.index;
          break;
        }
      }
      // "(" and escaped braces are text here.
    }
    if (closedAt < 0) {
      if (n !== -1 && depth > 0) return t('lib_bibNotClosedBeforeNext', key, lineOf(i), lineOf(n + 1));
      return t('lib_bibNeverClosed', key, lineOf(i));
    }
    last = { key, at: i };
    OUTER.lastIndex = closedAt + 1;
  }
  return null;
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

/**
 * A marker none of `values` contains, for the math placeholders; null when the few
 * tried are all there (a file made to defeat it), and then math is not set aside.
 * A bounded number of tries: growing it until absent was quadratic in a field's length.
 */
function mathMarker(values: string[]): string | null {
  for (let marker = 'ZQMATHQZ'; marker.length <= 12; marker += 'Q') if (!values.some((v) => v.includes(marker))) return marker;
  return null;
}

/** Braces deeper than this are no title: citation-js's LaTeX reader recurses per level. */
export const MAX_BRACE_DEPTH = 32;

/** Whether `s` nests braces deeper than MAX_BRACE_DEPTH (stops there). */
function tooDeep(s: string): boolean {
  if (!s.includes('{')) return false;
  const BRACE = /\\[\s\S]|[{}]/g;
  let depth = 0;
  for (let m = BRACE.exec(s); m; m = BRACE.exec(s)) {
    if (m[0] === '{') {
      if (++depth > MAX_BRACE_DEPTH) return true;
    } else if (m[0] === '}') depth--;
  }
  return false;
}

/**
 * `s` cut to `max` characters, its open groups closed. A field far past what a paper keeps
 * (its title is cut to 1,000 characters, its abstract to 20,000, after conversion) is cut
 * before citation-js converts it: LaTeX to text costs about a microsecond a character.
 */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max);
  let slashes = 0;
  while (slashes < cut.length && cut[cut.length - 1 - slashes] === '\\') slashes++;
  if (slashes % 2) cut = cut.slice(0, -1);
  // A math span the cut opened is dropped, then the groups it left open are closed.
  let dollar = -1;
  for (const m of cut.matchAll(/\\[\s\S]|\$/g)) if (m[0] === '$') dollar = dollar < 0 ? m.index : -1;
  if (dollar >= 0) cut = cut.slice(0, dollar);
  let depth = 0;
  for (const m of cut.matchAll(/\\[\s\S]|[{}]/g)) depth += m[0] === '{' ? 1 : m[0] === '}' ? -1 : 0;
  return cut + '}'.repeat(Math.max(0, depth));
}

/** `s` up to its `items`-th separator (names are separated by " and ", keywords by ","). */
function firstItems(s: string, sep: RegExp, items: number): string {
  sep.lastIndex = 0;
  let k = 0;
  for (let m = sep.exec(s); m; m = sep.exec(s)) if (++k >= items) return s.slice(0, m.index);
  return s;
}

// Raw lengths read per field: a few times what PaperSchema keeps, for LaTeX that shrinks.
const RAW_MAX: Record<string, number> = { title: 4_000, abstract: 80_000, note: 4 * NOTE_MAX, annote: 4 * NOTE_MAX, author: 1_500_000, keywords: 200_000 };
// Fixed width on purpose: /\s+and\s+/ over a run of spaces backtracks quadratically.
const NAME_SEP = /\sand\s/gi;

const FORBIDDEN_FIELD_PART = /(?:^|[^a-z0-9_])(?:__proto__|constructor|prototype)(?![a-z0-9_])/;

function parseBibTeX(text: string, now: number): ImportResult {
  const unbalanced = scanBibTeX(text);
  if (unbalanced) return fail(unbalanced);
  // Field names are checked on each entry as it is read, not by a pattern over the text (issue 18).
  // Harmless in readBibTeX's Maps, but refused: such a name is no bibliography, and
  // citation-js, which converts the fields, keeps them in plain objects (an "x+an:__proto__"
  // annotation there would reach Object.prototype).
  let forbidden = false;
  const allowed = (entry: BibEntry) => {
    for (const name of entry.fields.keys()) if (FORBIDDEN_FIELD_PART.test(name)) forbidden = true;
    return !forbidden;
  };
  let raw: BibEntry[];
  try {
    raw = readBibTeX(text, allowed);
  } catch (e) {
    // Anything else (none is known) is still an answer, not a broken options page.
    if (!(e instanceof BibSyntaxError)) return fail(t('lib_bibSyntaxError', e instanceof Error ? e.message : String(e)));
    const errLine = lineAt(text, e.at);
    if (e.entryAt < 0) return fail(t('lib_bibSyntaxErrorLine', errLine, e.message));
    return fail(t('lib_bibSyntaxErrorEntry', errLine, e.entryLabel || t('lib_bibNoKey'), lineAt(text, e.entryAt), e.message));
  }
  if (forbidden) return fail(t('lib_bibForbiddenField'));
  if (raw.length === 0) return fail(t('lib_bibNoEntries'));

  const out = new Collector();
  for (const entry of raw) {
    const props: Record<string, string | number> = Object.create(null);
    for (const [k, value] of entry.fields) props[k] = value;
    const label = () => entryLabel(entry.label || t('lib_bibNoKey'), props.title);
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
    let marker: string | null | undefined;
    const depthOk = [...TEXT_FIELDS, 'author', 'keywords'].every((f) => typeof props[f] !== 'string' || !tooDeep(props[f] as string));
    if (!depthOk) {
      out.skipped.push({ entry: label(), reason: t('lib_skipUnreadable', `braces nested deeper than ${MAX_BRACE_DEPTH} levels`) });
      continue;
    }
    for (const f of TEXT_FIELDS) {
      const value = props[f];
      if (value === undefined) continue;
      const s = clip(String(value), RAW_MAX[f]);
      if (!HAS_LATEX.test(s)) {
        plain[f] = s;
        continue;
      }
      if (marker === undefined) marker = mathMarker(TEXT_FIELDS.map((f) => String(props[f] ?? '')));
      if (marker === null) {
        picked[f] = s;
        continue;
      }
      const p = protectMath(s, marker);
      picked[f] = p.text;
      math[f] = p.math;
    }
    for (const f of ['year', 'month', 'date']) if (props[f] !== undefined) picked[f] = props[f];
    // One past what a paper keeps, so that too many keywords is still refused by the schema.
    if (typeof props.author === 'string') picked.author = clip(firstItems(props.author, NAME_SEP, 5001), RAW_MAX.author);
    else if (props.author !== undefined) picked.author = props.author;
    if (typeof props.keywords === 'string') picked.keywords = clip(firstItems(props.keywords, /,/g, TAGS_MAX + 2), RAW_MAX.keywords);
    else if (props.keywords !== undefined) picked.keywords = props.keywords;
    let csl: CslData = {};
    try {
      // Nothing to convert (plain title, no authors or date): citation-js's cost per call spared.
      if (Object.keys(picked).length) csl = (Bib.input.data([{ type: entry.type, label: entry.label, properties: picked }], '@biblatex/entries+list') as CslData[])[0];
    } catch (e) {
      out.skipped.push({ entry: label(), reason: t('lib_skipUnreadable', e instanceof Error ? e.message.split('\n')[0] : String(e)) });
      continue;
    }
    const field = (f: (typeof TEXT_FIELDS)[number]) => collapse(plain[f] ?? restoreMath(csl[f], math[f] ?? [], marker ?? ''));
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

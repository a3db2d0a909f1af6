/**
 * Export: pure functions from the shelf to the text of a file (issue 5).
 * Papers carry tag keys; the display names come from the tags store, so every
 * exporter takes both. Nothing here touches the database or the DOM: the options
 * page exports a whole library a chunk at a time through export-stream.ts.
 *
 * BibTeX is written by export-bibtex.ts, dates, names and citation keys by
 * export-cite.ts; CSL-JSON, CSV, Markdown and the backup here.
 */
import Papa from 'papaparse';
import { absUrl, pdfUrl, type Paper, type Tag } from '../shared/model';
import { t } from '../shared/i18n';
import { citationKeys, oneLine, paperDate, splitName, tagNameMap, tagNamesOf } from './export-cite';

export { citationKeys, paperDate, splitName } from './export-cite';
export { bibTeXEntries, latex, toBibTeX } from './export-bibtex';

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

function cslItem(p: Paper, names: Map<string, string>, key: string): CslItem {
  const { year, month, day } = paperDate(p);
  const item: CslItem = {
    id: key,
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
}

/**
 * The items of `papers` as toCslJson indents them, without the array's brackets, for a part
 * of an export (`keys` and `names` of the whole export): parts joined by ",\n" between "[\n"
 * and "\n]\n" are exactly toCslJson of all of it.
 */
export function cslJsonItems(papers: readonly Paper[], names: Map<string, string>, keys: Map<string, string>): string {
  // JSON.stringify(items, null, 2) is "[\n" + the items, two spaces in, + "\n]".
  return JSON.stringify(
    papers.map((p) => cslItem(p, names, keys.get(p.id)!)),
    null,
    2,
  ).slice(2, -2);
}

/** CSL-JSON (Zotero, Pandoc, citeproc): arXiv preprints as CSL "article" items with the arXiv DOI. */
export function toCslJson(papers: Paper[], tags: Tag[]): string {
  if (!papers.length) return '[]\n';
  return `[\n${cslJsonItems(papers, tagNameMap(tags), citationKeys(papers))}\n]\n`;
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
    line +=
      '\n' +
      note
        .split(/\r?\n/)
        .map((l) => (l.trim() ? `  > ${l.replace(/</g, '&lt;')}` : '  >'))
        .join('\n');
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
